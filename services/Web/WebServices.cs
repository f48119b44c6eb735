using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Configuration;
using ShopDapr.Web.Infrastructure;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web;

public static class WebServices
{
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebOptions>(WebOptions.Section);
        builder.Services.AddRazorPages();
        // One key ring for every replica (antiforgery tokens, TempData), in the state store and encrypted at rest by the
        // sidecar's cryptography component: a form rendered by one replica posts to another.
        builder.Services.AddDataProtection();
        builder.Services.AddOptions<DataProtectionOptions>()
            .Configure<IOptions<WebOptions>>((protection, web) => protection.ApplicationDiscriminator = web.Value.ApplicationName);
        builder.Services.AddSingleton<DaprXmlRepository>();
        builder.Services.AddSingleton<DaprXmlEncryptor>();
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(keys =>
        {
            keys.XmlRepository = sp.GetRequiredService<DaprXmlRepository>();
            keys.XmlEncryptor = sp.GetRequiredService<DaprXmlEncryptor>();
        }));
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
