using ShopDapr.ServiceDefaults;

namespace ShopDapr.Gateway.Routing;

/// <summary>The public API surface: <c>/api/{prefix}/**</c> → the app that owns it. Nothing else is routed.</summary>
public static class PublicRoutes
{
    public static readonly IReadOnlyDictionary<string, string> AppByPrefix = new Dictionary<string, string>
    {
        ["identity"] = ShopNames.AppIds.Identity,
        ["catalog"] = ShopNames.AppIds.Catalog,
        ["cart"] = ShopNames.AppIds.Cart,
        ["orders"] = ShopNames.AppIds.Ordering,
        ["inventory"] = ShopNames.AppIds.Inventory,
        ["shipping"] = ShopNames.AppIds.Shipping,
        ["payments"] = ShopNames.AppIds.Payment,
        ["keys"] = ShopNames.AppIds.Keys,
        ["recommendations"] = ShopNames.AppIds.Analytics,
        ["trending"] = ShopNames.AppIds.Analytics,
        ["analytics"] = ShopNames.AppIds.Analytics,
    };
}
