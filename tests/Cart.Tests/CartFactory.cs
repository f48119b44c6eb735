using System.Net;
using System.Text.Json;
using ShopDapr.Cart.Domain;
using ShopDapr.Contracts.Cart;
using ShopDapr.Contracts.Catalog;
using ShopDapr.Testing;

namespace ShopDapr.Cart.Tests;

/// <summary>Cart in-process over <see cref="FakeDapr"/>, reading the catalog through a stub sidecar's invoke API.</summary>
public sealed class CartFactory : ShopAppFactory<Program>
{
    public const string SidecarToken = "sidecar-api-token";

    private CartFactory(StubSidecar sidecar)
    {
        Sidecar = sidecar;
        Dapr.UseState<ShoppingCart>().UseState<ShoppingCart?>().UseEvents<ItemAddedToCart>();
        Settings["DAPR_HTTP_ENDPOINT"] = sidecar.Endpoint.ToString();
        Settings["DAPR_API_TOKEN"] = SidecarToken;
        sidecar.Handler = (app, path) =>
            app == "catalog" && path.StartsWith("/api/catalog/products/", StringComparison.Ordinal)
            && Guid.TryParse(path["/api/catalog/products/".Length..], out var id) && Products.TryGetValue(id, out var product)
                ? (HttpStatusCode.OK, JsonSerializer.Serialize(new { product.Id, product.Sku, product.Name, product.Price, product.Available, category = "tools" }, JsonSerializerOptions.Web))
                : (HttpStatusCode.NotFound, """{"status":404,"title":"Not Found"}""");
    }

    public StubSidecar Sidecar { get; }

    public Dictionary<Guid, ProductSummary> Products { get; } = new();

    public static async Task<CartFactory> StartAsync(CancellationToken cancellationToken) =>
        new(await StubSidecar.StartAsync(cancellationToken));

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
        await Sidecar.DisposeAsync();
    }
}
