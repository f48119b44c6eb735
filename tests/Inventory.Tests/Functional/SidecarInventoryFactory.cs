using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.Inventory.Infrastructure;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Inventory.Tests.Functional;

/// <summary>
/// Inventory in-process with the SDK's own actor runtime and proxies, its actor calls (HTTP) going to a
/// <see cref="StubActorSidecar"/> and its state calls (gRPC) to a real dev sidecar (<see cref="DevDapr"/>).
/// </summary>
public sealed class SidecarInventoryFactory : ShopAppFactory<Program>
{
    private SidecarInventoryFactory(StubActorSidecar sidecar, DevDapr dapr)
    {
        Sidecar = sidecar;
        Dapr = dapr;
        Settings["DAPR_GRPC_ENDPOINT"] = dapr.Sidecar.GrpcEndpoint.ToString();
        Settings["DAPR_HTTP_ENDPOINT"] = sidecar.Endpoint.ToString();
        // The stub sidecar plays actors only: the catalog (which SKUs exist) knows every SKU.
        ConfigureServices = services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<ICatalogSkus>(new InventoryFactory.CatalogDouble());
        };
    }

    public StubActorSidecar Sidecar { get; }

    public DevDapr Dapr { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public static async Task<SidecarInventoryFactory> StartAsync(CancellationToken cancellationToken)
    {
        var factory = new SidecarInventoryFactory(await StubActorSidecar.StartAsync(cancellationToken),
            await DevDapr.StartAsync(ShopNames.AppIds.Inventory, cancellationToken));
        factory.Sidecar.App = factory.CreateClient();
        return factory;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Sidecar.DisposeAsync();
        await Dapr.DisposeAsync();
    }
}
