using Dapr.Actors.Client;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Inventory.Infrastructure;
using ShopDapr.Inventory.Reservations;
using ShopDapr.ServiceDefaults;
using ShopDapr.Inventory.Tests.Actors;
using ShopDapr.Inventory.Tests.Reservations;
using ShopDapr.Testing;

namespace ShopDapr.Inventory.Tests;

/// <summary>
/// Inventory in-process on its real DaprClient over a real dev sidecar (<see cref="DevDapr"/>: the order→lines records),
/// with <see cref="LocalActors"/> playing the SKU actors.
/// </summary>
public sealed class InventoryFactory : ShopAppFactory<Program>
{
    public const string AppToken = "app-api-token";

    private InventoryFactory(DevDapr dapr, LocalActors actors)
    {
        Dapr = dapr;
        Actors = actors;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
        Settings["APP_API_TOKEN"] = AppToken; // every client sends it (ShopAppFactory); requireAppToken is the default now
        ConfigureServices = services =>
        {
            services.AddSingleton(actors.Factory);
            services.AddSingleton<ICatalogSkus>(Catalog);
        };
    }

    /// <summary>A new app over a new sidecar and a new actor world.</summary>
    public static async Task<InventoryFactory> StartAsync(CancellationToken cancellationToken) =>
        new(await DevDapr.StartAsync(ShopNames.AppIds.Inventory, cancellationToken, apiToken: DefaultDaprApiToken), new LocalActors(new ActorWorld()));

    public DevDapr Dapr { get; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Dapr.DisposeAsync();
    }

    public LocalActors Actors { get; }

    /// <summary>The catalog as inventory sees it: by default every SKU exists.</summary>
    public CatalogDouble Catalog { get; } = new();

    public sealed class CatalogDouble : ICatalogSkus
    {
        public Func<string, bool> Exists { get; set; } = _ => true;

        public System.Collections.Concurrent.ConcurrentQueue<string> Asked { get; } = new();

        public Task<bool> ExistsAsync(string sku, CancellationToken cancellationToken)
        {
            Asked.Enqueue(sku);
            return Task.FromResult(Exists(sku));
        }
    }

    /// <summary>A client as the sidecar calls the app (with the app API token when one is required).</summary>
    public HttpClient SidecarClient()
    {
        return ClientWith(null);
    }
}
