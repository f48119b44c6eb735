using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Crypto;

public static class CryptoComponents
{
    public static void Register(Action<ComponentCatalog.Entry> add)
    {
        // Each app its own instance: a relative path resolves against that app's working directory.
        add(new("crypto.dapr.localstorage", "v1", c => new LocalStorageCrypto(c), SharedAcrossApps: false));
        // One instance (one HTTP client, one refresh) per set and working directory, disposed with the process's components.
        add(new("crypto.dapr.jwks", "v1", c => new JwksCrypto(c), SharedAs: c => $"{c.WorkingDirectory}|{c.Optional("jwks")}"));
    }
}
