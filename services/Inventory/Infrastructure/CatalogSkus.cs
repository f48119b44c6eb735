using System.Net;
using ShopDapr.Contracts.Catalog;

namespace ShopDapr.Inventory.Infrastructure;

/// <summary>
/// Which SKUs exist. The catalog is their one source of truth: it creates, renames and deletes products, and it seeds
/// the demo catalog straight into its store without announcing it on <c>catalog-events</c>. A copy kept here from
/// those events would miss every seeded product and lag behind a product just created (an admin creates a product,
/// then stocks it), so inventory asks the catalog when an admin sets stock: a rare, admin-only write that can afford one
/// call, and never disagrees with the catalog. Reservations do not ask: their SKUs come from lines the catalog priced.
/// </summary>
public interface ICatalogSkus
{
    /// <summary>True when a product has <paramref name="sku"/>; throws <see cref="CatalogUnavailableException"/> when the catalog cannot say.</summary>
    Task<bool> ExistsAsync(string sku, CancellationToken cancellationToken);
}

/// <summary><see cref="ICatalogSkus"/> through the sidecar (service invocation to the catalog app).</summary>
public sealed class CatalogSkus(HttpClient http) : ICatalogSkus
{
    public async Task<bool> ExistsAsync(string sku, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(CatalogRoutes.Sku(sku), cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CatalogUnavailableException($"The catalog could not be reached: {e.Message}", e);
        }
        using (response)
            return response.StatusCode switch
            {
                HttpStatusCode.NoContent or HttpStatusCode.OK => true,
                HttpStatusCode.NotFound => false,
                var status => throw new CatalogUnavailableException($"The catalog answered {(int)status} to a SKU lookup.", null),
            };
    }
}

public sealed class CatalogUnavailableException(string message, Exception? inner) : Exception(message, inner);
