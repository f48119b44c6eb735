using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Inventory.Domain;
using ShopDapr.Inventory.Reservations;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Inventory.Api;

/// <summary>
/// <see cref="InventoryRoutes"/>: ordering's saga reserves an order's lines (all or none), then confirms or releases
/// them. Sidecar calls only. Confirm and release answer 204 whatever the order's state (idempotent; unknown = no-op).
/// </summary>
public static class ReservationsApi
{
    public static IEndpointRouteBuilder MapReservationsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(InventoryRoutes.Reservations).WithTags("Reservations").RequireAuthorization(ShopNames.Policies.DaprSidecar);
        api.MapPost("/", Reserve);
        api.MapPost("/{orderId:guid}/confirm", Confirm);
        api.MapPost("/{orderId:guid}/release", Release);
        return routes;
    }

    public static async Task<Results<Ok<IReadOnlyList<StockLevel>>, ValidationProblem, ProblemHttpResult>> Reserve(
        ReserveStockBody request, StockReservations reservations, CancellationToken cancellationToken)
    {
        if (request.OrderId is not { } orderId || orderId == Guid.Empty)
            return Problems.Malformed("orderId", "An order id is required.");
        if (request.Lines is not { Count: > 0 } lines)
            return Problems.Malformed("lines", "At least one line is required.");
        if (lines.Count > InventoryOptions.MaxLines)
            return Problems.RuleBroken("lines", $"A reservation holds at most {InventoryOptions.MaxLines} lines.");
        var valid = new List<StockLine>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { } line || !Sku.TryNormalize(line.Sku, out var sku))
                return Problems.Malformed($"lines[{i}].sku", Sku.Rule);
            if (line.Quantity is not { } quantity)
                return Problems.Malformed($"lines[{i}].quantity", "A quantity is required.");
            if (quantity is < 1 or > InventoryOptions.MaxLineQuantity)
                return Problems.RuleBroken($"lines[{i}].quantity", $"A line reserves 1 to {InventoryOptions.MaxLineQuantity}.");
            valid.Add(new StockLine(sku, quantity));
        }
        var normalized = StockReservations.NormalizeLines(valid);
        if (normalized.Any(l => l.Quantity > InventoryOptions.MaxLineQuantity))
            return Problems.RuleBroken("lines", $"A SKU reserves 1 to {InventoryOptions.MaxLineQuantity} per order.");

        return await reservations.ReserveAsync(orderId, normalized, cancellationToken) switch
        {
            ReserveOutcome.Reserved held => TypedResults.Ok(held.Levels),
            ReserveOutcome.Short { WasReleased: true } released => Problems.Conflict("The order's reservation was released",
                $"Order {orderId} held {released.Sku} before and released it (or let it expire); it is not held again. Nothing is reserved.",
                released.Sku, new Dictionary<string, object?> { ["requested"] = released.Requested, ["available"] = released.Available }),
            ReserveOutcome.Short shortLine => Problems.Conflict("Not enough stock",
                $"{shortLine.Sku}: {shortLine.Requested} requested, {shortLine.Available} available; nothing was reserved for order {orderId}.",
                shortLine.Sku, new Dictionary<string, object?> { ["requested"] = shortLine.Requested, ["available"] = shortLine.Available }),
            ReserveOutcome.OtherLines other => Problems.Conflict("The order already reserved other lines",
                $"Order {orderId} first asked for {string.Join(", ", other.FirstLines.Select(l => $"{l.Quantity} × {l.Sku}"))}; a repeat must ask for the same.",
                null),
            var unexpected => throw new InvalidOperationException($"Unexpected reservation outcome {unexpected}."),
        };
    }

    public static async Task<NoContent> Confirm(Guid orderId, StockReservations reservations, CancellationToken cancellationToken)
    {
        await reservations.ConfirmAsync(orderId, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> Release(Guid orderId, StockReservations reservations, CancellationToken cancellationToken)
    {
        await reservations.ReleaseAsync(orderId, cancellationToken);
        return TypedResults.NoContent();
    }
}
