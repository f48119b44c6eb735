using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Crypto;

public static class CryptoComponents
{
    public static void Register(Action<ComponentCatalog.Entry> add)
    {
        // Each app its own instance: a relative path resolves against that app's working directory.
        add(new("crypto.dapr.localstorage", "v1", c => new LocalStorageCrypto(c), SharedAcrossApps: false));
    }
}
