using Dapr.Client;
using ShopDapr.Cart.Infrastructure;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Cart;

public static class CartServices
{
    public static IHostApplicationBuilder AddCartServices(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CartStore>();
        builder.Services.AddExceptionHandler<Api.CartExceptionHandler>();
        // Catalog through the sidecar: http://catalog/... becomes {sidecar}/v1.0/invoke/catalog/method/...
        builder.Services.AddSingleton(_ => new CatalogClient(DaprClient.CreateInvokeHttpClient(
            ShopNames.AppIds.Catalog, DaprEndpoints.Http(configuration), DaprEndpoints.ApiToken(configuration))));
        builder.Services.AddSingleton<CheckoutRecords>();
        builder.Services.AddSingleton(_ => new CardVaultClient(DaprClient.CreateInvokeHttpClient(
            ShopNames.AppIds.Payment, DaprEndpoints.Http(configuration), DaprEndpoints.ApiToken(configuration))));
        builder.Services.AddSingleton(_ => new OrderingClient(DaprClient.CreateInvokeHttpClient(
            ShopNames.AppIds.Ordering, DaprEndpoints.Http(configuration), DaprEndpoints.ApiToken(configuration))));
        return builder;
    }
}
