using Dapr.Actors.Client;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Inventory.Infrastructure;
using ShopDapr.Inventory.Reservations;
using ShopDapr.Inventory.Tests.Actors;
using ShopDapr.Inventory.Tests.Reservations;
using ShopDapr.Testing;

namespace ShopDapr.Inventory.Tests;

/// <summary>Inventory in-process over <see cref="FakeDapr"/> (the order→lines records) and <see cref="LocalActors"/> (the SKU actors).</summary>
public sealed class InventoryFactory : ShopAppFactory<Program>
{
    public const string AppToken = "app-api-token";

    public InventoryFactory(bool requireAppToken = false)
        : this(new LocalActors(new ActorWorld()), requireAppToken)
    {
    }

    private InventoryFactory(LocalActors actors, bool requireAppToken)
        : base()
    {
        Actors = actors;
        Dapr.UseState<OrderReservation>().UseState<OrderReservation?>();
        Settings["APP_API_TOKEN"] = AppToken; // every client sends it (ShopAppFactory); requireAppToken is the default now
        ConfigureServices = services =>
        {
            services.AddSingleton(actors.Factory);
            services.AddSingleton<ICatalogSkus>(Catalog);
        };
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
