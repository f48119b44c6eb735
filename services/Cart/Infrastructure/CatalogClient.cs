using System.Net;
using ShopDapr.Contracts.Catalog;

namespace ShopDapr.Cart.Infrastructure;

/// <summary>Reads products from the catalog app through the Dapr sidecar (service invocation).</summary>
public sealed class CatalogClient(HttpClient http)
{
    /// <summary>The product, or null when the catalog does not know it. Any other failure throws <see cref="CatalogUnavailableException"/>.</summary>
    public async Task<ProductSummary?> FindProductAsync(Guid productId, CancellationToken cancellationToken)
    {
        using var response = await CalleeCall.SendAsync(() => http.GetAsync($"/api/catalog/products/{productId}", cancellationToken), Callee, Unavailable);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccessStatusCode)
            throw new CatalogUnavailableException($"{Callee} answered {(int)response.StatusCode}.", null);
        return await CalleeCall.ReadAsync<ProductSummary>(response, Callee, Unavailable, cancellationToken);
    }

    private const string Callee = "The catalog";

    private static CatalogUnavailableException Unavailable(string message, Exception? inner) => new(message, inner);
}

public sealed class CatalogUnavailableException(string message, Exception? inner) : Exception(message, inner);
