using ShopDapr.ServiceDefaults;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web;

public static class WebServices
{
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorPages();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AccessTokenCookie>();
        // The shop's public API through this app's sidecar: service invocation of app "gateway" (see README, "Web").
        builder.Services.AddHttpClient<ShopApi>((sp, http) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            http.BaseAddress = new Uri(DaprEndpoints.Http(configuration));
            http.DefaultRequestHeaders.Add(ShopNames.Headers.DaprAppId, ShopNames.AppIds.Gateway);
            if (DaprEndpoints.ApiToken(configuration) is { } token)
                http.DefaultRequestHeaders.Add(ShopNames.Headers.DaprApiToken, token);
            http.Timeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }
}
