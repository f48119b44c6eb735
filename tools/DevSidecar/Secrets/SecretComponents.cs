using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Secrets;

public static class SecretComponents
{
    public static void Register(Action<ComponentCatalog.Entry> add)
    {
        add(new("secretstores.local.file", "v1", c => new LocalFileSecretStore(c), SharedAs: c => c.FullPath(c.Required("secretsFile"))));
        add(new("secretstores.local.env", "v1", c => new EnvSecretStore(c)));
    }
}
