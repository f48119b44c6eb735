using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Inventory.Domain;
using ShopDapr.Inventory.Infrastructure;
using ShopDapr.Inventory.Reservations;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Inventory.Api;

/// <summary>
/// <c>/api/inventory/{sku}</c>: anyone reads a SKU's level; an admin sets its stock on hand, for a SKU the catalog has
/// (404 otherwise: <see cref="ICatalogSkus"/>). A SKU nobody has stocked reads as 0 on hand (stock is seeded by an admin
/// PUT, not from the catalog).
/// </summary>
public static class InventoryApi
{
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/inventory").WithTags("Inventory");
        api.MapGet("/{sku}", GetLevel).AllowAnonymous();
        api.MapPut("/{sku}", SetOnHand).RequireAuthorization(ShopNames.Policies.Admin);
        return routes;
    }

    public static async Task<Results<Ok<StockLevel>, ValidationProblem>> GetLevel(string sku, InventoryActors actors, CancellationToken cancellationToken)
    {
        if (!Sku.TryNormalize(sku, out var normalized))
            return Problems.Malformed("sku", Sku.Rule);
        cancellationToken.ThrowIfCancellationRequested();
        return TypedResults.Ok((await actors.For(normalized).GetLevelAsync()).ToLevel());
    }

    public static async Task<Results<Ok<StockLevel>, ValidationProblem, ProblemHttpResult>> SetOnHand(
        string sku, SetStockBody request, InventoryActors actors, ICatalogSkus catalog, CancellationToken cancellationToken)
    {
        if (!Sku.TryNormalize(sku, out var normalized))
            return Problems.Malformed("sku", Sku.Rule);
        if (request.OnHand is not { } onHand)
            return Problems.Malformed("onHand", "The stock on hand is required.");
        if (onHand is < 0 or > InventoryOptions.MaxOnHand)
            return Problems.RuleBroken("onHand", $"The stock on hand must be 0 to {InventoryOptions.MaxOnHand}.");
        if (!await catalog.ExistsAsync(normalized, cancellationToken))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown SKU",
                detail: $"No product in the catalog has SKU {normalized}; create the product before stocking it.",
                extensions: new Dictionary<string, object?> { ["sku"] = normalized });
        cancellationToken.ThrowIfCancellationRequested();
        var result = await actors.For(normalized).SetOnHandAsync(onHand);
        if (!result.Applied)
            return Problems.Conflict("Below what is reserved",
                $"{normalized} has {result.Level.Reserved} reserved; stock on hand cannot be set below it until reservations are confirmed, released or expire.",
                normalized, new Dictionary<string, object?> { ["reserved"] = result.Level.Reserved });
        return TypedResults.Ok(result.Level.ToLevel());
    }
}
