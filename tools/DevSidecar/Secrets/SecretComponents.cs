using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Secrets;

public static class SecretComponents
{
    public static void Register(Action<ComponentCatalog.Entry> add)
    {
        add(new("secretstores.local.file", "v1", c => new LocalFileSecretStore(c)));
        add(new("secretstores.local.env", "v1", c => new EnvSecretStore(c)));
    }
}
