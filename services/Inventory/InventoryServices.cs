using ShopDapr.Inventory.Actors;
using Dapr.Client;
using ShopDapr.Inventory.Api;
using ShopDapr.Inventory.Infrastructure;
using ShopDapr.Inventory.Reservations;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Inventory;

public static class InventoryServices
{
    public static IHostApplicationBuilder AddInventoryServices(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddValidatedOptions<InventoryOptions>(InventoryOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StockEventPublisher>();
        builder.Services.AddSingleton<InventoryActors>();
        builder.Services.AddSingleton<StockReservations>();
        builder.Services.AddExceptionHandler<InventoryExceptionHandler>();
        builder.Services.AddSingleton<ICatalogSkus>(_ => new CatalogSkus(DaprClient.CreateInvokeHttpClient(
            ShopNames.AppIds.Catalog, DaprEndpoints.Http(configuration), DaprEndpoints.ApiToken(configuration))));
        // The actor runtime (InventoryActor hosted here) and the proxy factory both reach the sidecar where
        // ServiceDefaults says (configuration first, then the environment), with the Dapr API token.
        builder.Services.AddActors(actors =>
        {
            actors.Actors.RegisterActor<InventoryActor>();
            actors.HttpEndpoint = DaprEndpoints.Http(configuration);
            actors.DaprApiToken = DaprEndpoints.ApiToken(configuration) ?? string.Empty; // the SDK refuses null; empty sends no token
        });
        return builder;
    }
}
