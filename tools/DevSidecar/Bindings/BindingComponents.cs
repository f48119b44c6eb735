using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Bindings;

public static class BindingComponents
{
    public static void Register(Action<ComponentCatalog.Entry> add)
    {
        add(new("bindings.cron", "v1", c => new CronBinding(c), SharedAcrossApps: false));
        add(new("bindings.localstorage", "v1", c => new LocalStorageBinding(c), SharedAs: c => c.FullPath(c.Required("rootPath"))));
    }
}
