using System.Net;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using ShopDapr.Cart.Domain;
using ShopDapr.Contracts.Cart;
using ShopDapr.Contracts.Catalog;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Cart.Tests;

/// <summary>
/// Cart in-process on its real DaprClient over a real dev sidecar (<see cref="DevDapr"/>), reading the catalog through
/// it: a <see cref="RecordingApp"/> behind a catalog sidecar answers for <see cref="Products"/>.
/// </summary>
public sealed class CartFactory : ShopAppFactory<Program>
{
    private CartFactory(DevDapr dapr, RecordingApp catalog)
    {
        Dapr = dapr;
        Catalog = catalog;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
        var client = dapr.CreateClient(Wire);
        ConfigureServices = services => services.RemoveAll<DaprClient>().AddSingleton(client);
        catalog.Respond = (method, path) =>
            method == "GET" && path.StartsWith("/api/catalog/products/", StringComparison.Ordinal)
            && Guid.TryParse(path["/api/catalog/products/".Length..], out var id) && Products.TryGetValue(id, out var product)
                ? ((int)HttpStatusCode.OK, JsonSerializer.Serialize(new { product.Id, product.Sku, product.Name, product.Price, product.Available, category = "tools" }, JsonSerializerOptions.Web))
                : ((int)HttpStatusCode.NotFound, """{"status":404,"title":"Not Found"}""");
    }

    public DevDapr Dapr { get; }

    /// <summary>On the app's DaprClient: a broker that is down (its outbox refuses the transaction), which the sidecar cannot be asked for.</summary>
    public DaprWire Wire { get; } = new();

    /// <summary>The catalog app behind its own sidecar: what cart asked it, and how it answers.</summary>
    public RecordingApp Catalog { get; }

    public Dictionary<Guid, ProductSummary> Products { get; } = new();

    public static async Task<CartFactory> StartAsync(CancellationToken cancellationToken)
    {
        var dapr = await DevDapr.StartAsync(ShopNames.AppIds.Cart, cancellationToken, apiToken: DefaultDaprApiToken);
        var catalog = await RecordingApp.StartAsync(cancellationToken);
        await dapr.StartPeerAsync(ShopNames.AppIds.Catalog, catalog.CreateHandler(), cancellationToken);
        return new CartFactory(dapr, catalog);
    }

    public ProductSummary AddProduct(decimal price = 9.99m, string? name = null)
    {
        var id = Guid.NewGuid();
        var product = new ProductSummary(id, $"SKU-{Products.Count + 1:000}", name ?? $"Product {Products.Count + 1}", price, 100);
        Products[id] = product;
        return product;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Dapr.DisposeAsync();
        await Catalog.DisposeAsync();
    }
}
