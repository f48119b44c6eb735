using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ShopDapr.Cart.Domain;
using ShopDapr.Cart.Infrastructure;
using ShopDapr.Contracts.Cart;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Cart.Api;

/// <summary><c>POST /api/cart/checkout</c> body.</summary>
public sealed record CheckoutRequest(Address? ShippingAddress, CardDetails? Card);

/// <summary>
/// <c>POST /api/cart/checkout</c>: hands the card to payment's vault (card in once, a token out), then a snapshot of the
/// customer's cart with the token and the card's last four digits to ordering (which starts the order's workflow), and
/// empties the cart once ordering has accepted it — a failure leaves the cart as it was (payment down: 503 with
/// <c>Retry-After</c>, nothing written). The card number and CVC go to payment only; ordering, the workflow, events,
/// e-mails and logs see the token and last four.
/// Idempotent per <c>Idempotency-Key</c>: a repeat answers 200 with the first order, even after the cart was emptied;
/// the same key with another request (<see cref="CheckoutFingerprint"/>) is a 422 — a key belongs to one request.
/// </summary>
public static class CheckoutApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The catalog prices everything in one currency.</summary>
    public const string Currency = "USD";

    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/cart/checkout", Checkout).WithTags("Cart").RequireAuthorization(ShopNames.Policies.Customer);
        return routes;
    }

    public static async Task<Results<Accepted<PlaceOrderResponse>, Ok<PlaceOrderResponse>, ValidationProblem, ProblemHttpResult>> Checkout(
        CheckoutRequest request, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user,
        CartStore carts, CheckoutRecords checkouts, CardVaultClient vault, OrderingClient ordering, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > CheckoutRules.MaxIdempotencyKeyLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IdempotencyKeyHeader] = [$"An {IdempotencyKeyHeader} header (1 to {CheckoutRules.MaxIdempotencyKeyLength} characters) is required."],
            }, title: "The request is malformed");
        var customerId = user.FindFirst(ShopNames.ClaimTypes.Subject)?.Value is { Length: > 0 } subject
            ? subject
            : throw new InvalidOperationException("An authorised customer token has no subject.");

        var fingerprint = CheckoutFingerprint.Of(customerId, idempotencyKey, request.ShippingAddress, request.Card);
        if (await checkouts.FindAsync(customerId, idempotencyKey, cancellationToken) is { } done)
            return CheckoutFingerprint.Matches(done.RequestFingerprint, fingerprint)
                ? TypedResults.Ok(new PlaceOrderResponse(done.OrderId))
                : KeyReused();
        if (CheckoutRules.Check(request.ShippingAddress, request.Card) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors, title: "The checkout is malformed");

        var cart = await carts.GetAsync(customerId, cancellationToken);
        if (cart.Lines.Count == 0)
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["cart"] = ["The cart is empty."] })
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The request breaks a cart rule",
            });

        var vaulted = await vault.VaultAsync(request.Card!, cancellationToken);
        if (vaulted is VaultAnswer.Refused vaultRefused)
            return TypedResults.ValidationProblem(vaultRefused.Errors.ToDictionary(), title: "The checkout is malformed");
        // From here on the card is its token and last four digits: the number and the CVC stay in this request.
        var card = ((VaultAnswer.Vaulted)vaulted).Card.ToCardOnFile();

        var answer = await ordering.PlaceAsync(new PlaceOrderRequest(
            idempotencyKey, customerId, user.FindFirst(ShopNames.ClaimTypes.Email)?.Value ?? "",
            [.. cart.Lines.Select(l => new OrderLine(l.ProductId, l.Sku, l.Name, l.UnitPrice, l.Quantity))],
            Currency, request.ShippingAddress!, card, fingerprint), cancellationToken);
        if (answer is PlaceOrderAnswer.Refused refused)
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Ordering refused the order", detail: refused.Detail);
        var accepted = (PlaceOrderAnswer.Accepted)answer;

        // Ordering has the order: remember it (for repeats), then take the ordered lines out of the cart.
        await checkouts.SaveAsync(customerId, idempotencyKey, new CheckoutRecord(accepted.OrderId, fingerprint), cancellationToken);
        // The cart without the ordered lines, and its CheckoutStarted (product ids only) for analytics, commit together.
        var now = time.GetUtcNow();
        await carts.UpdateAsync(customerId, current => CheckoutCart.TakeOrdered(current, cart.Lines, now), cancellationToken,
            announce: _ => new CheckoutStarted(customerId, [.. cart.Lines.Select(l => l.ProductId)], now));

        var response = new PlaceOrderResponse(accepted.OrderId);
        return accepted.Repeat
            ? TypedResults.Ok(response)
            : TypedResults.Accepted($"/api/orders/{accepted.OrderId}", response);
    }

    /// <summary>The payment providers' rule (Stripe answers the same): an idempotency key belongs to one request.</summary>
    internal static ProblemHttpResult KeyReused() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The Idempotency-Key was used for another request",
        detail: $"This {IdempotencyKeyHeader} already placed an order with a different shipping address or card; use a new key for a new checkout.");
}
