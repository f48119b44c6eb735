using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.Inventory.Infrastructure;
using ShopDapr.Inventory.Reservations;
using ShopDapr.Testing;

namespace ShopDapr.Inventory.Tests.Functional;

/// <summary>Inventory in-process with the SDK's own actor runtime and proxies, talking to a <see cref="StubActorSidecar"/>.</summary>
public sealed class SidecarInventoryFactory : ShopAppFactory<Program>
{
    private SidecarInventoryFactory(StubActorSidecar sidecar)
    {
        Sidecar = sidecar;
        Dapr.UseState<OrderReservation>().UseState<OrderReservation?>();
        Settings["DAPR_HTTP_ENDPOINT"] = sidecar.Endpoint.ToString();
        // The stub sidecar plays actors only: the catalog (which SKUs exist) knows every SKU.
        ConfigureServices = services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<ICatalogSkus>(new InventoryFactory.CatalogDouble());
        };
    }

    public StubActorSidecar Sidecar { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public static async Task<SidecarInventoryFactory> StartAsync(CancellationToken cancellationToken)
    {
        var factory = new SidecarInventoryFactory(await StubActorSidecar.StartAsync(cancellationToken));
        factory.Sidecar.App = factory.CreateClient();
        return factory;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Sidecar.DisposeAsync();
    }
}
