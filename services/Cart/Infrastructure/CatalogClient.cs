using System.Net;
using ShopDapr.Contracts.Catalog;

namespace ShopDapr.Cart.Infrastructure;

/// <summary>Reads products from the catalog app through the Dapr sidecar (service invocation).</summary>
public sealed class CatalogClient(HttpClient http)
{
    /// <summary>The product, or null when the catalog does not know it. Any other failure throws <see cref="CatalogUnavailableException"/>.</summary>
    public async Task<ProductSummary?> FindProductAsync(Guid productId, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync($"/api/catalog/products/{productId}", cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CatalogUnavailableException($"The catalog could not be reached: {e.Message}", e);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
                return null;
            if (!response.IsSuccessStatusCode)
                throw new CatalogUnavailableException($"The catalog answered {(int)response.StatusCode}.", null);
            try
            {
                return await response.Content.ReadFromJsonAsync<ProductSummary>(cancellationToken)
                    ?? throw new CatalogUnavailableException("The catalog answered an empty product.", null);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new CatalogUnavailableException("The catalog answered a product that cannot be read.", e);
            }
        }
    }
}

public sealed class CatalogUnavailableException(string message, Exception? inner) : Exception(message, inner);
