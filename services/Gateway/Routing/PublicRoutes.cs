using ShopDapr.ServiceDefaults;

namespace ShopDapr.Gateway.Routing;

/// <summary>
/// The public API surface: <c>/api/{prefix}/**</c> → the app that owns it; and the web app's pages (<see cref="WebRoots"/>),
/// the storefront and admin console in the browser. Nothing else is routed.
/// </summary>
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

    /// <summary>
    /// The top-level paths of the web app's pages and assets: the gateway sends them (and everything below them) to app
    /// <c>web</c>, and the access control lets the gateway invoke just these on any app — so no other path of any app
    /// becomes public by accident. <c>/</c> itself is a redirect to the product list, answered by the gateway.
    /// </summary>
    public static readonly IReadOnlyList<string> WebRoots =
        ["products", "search", "cart", "checkout", "orders", "account", "admin", "css", "js"];

    /// <summary>Where <c>/</c> sends a browser: the storefront's product list.</summary>
    public const string WebHome = "/products";
}
