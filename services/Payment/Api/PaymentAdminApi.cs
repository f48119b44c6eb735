using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Payment.Api;

/// <summary><c>/api/payments</c> (admin): one order's payment, and the ledger (charges − refunds per currency).</summary>
public static class PaymentAdminApi
{
    public static IEndpointRouteBuilder MapPaymentAdminApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/payments").WithTags("Payments").RequireAuthorization(ShopNames.Policies.Admin);
        api.MapGet("/ledger", GetLedger);
        api.MapGet("/{orderId:guid}", GetPayment);
        return routes;
    }

    public static async Task<Results<Ok<PaymentView>, ProblemHttpResult>> GetPayment(Guid orderId, PaymentStore store, CancellationToken cancellationToken)
    {
        var (record, _) = await store.GetAsync(orderId, cancellationToken);
        return record is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No payment", detail: $"Order {orderId} has no payment.")
            : TypedResults.Ok(PaymentView.From(record));
    }

    public static async Task<Ok<LedgerView>> GetLedger(PaymentStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(LedgerView.From(await store.GetLedgerAsync(cancellationToken)));
}

/// <summary>An order's payment as an admin sees it: the card by its last four digits only.</summary>
public sealed record PaymentView(
    Guid OrderId, string State, decimal Amount, string Currency, string CardLast4, string? PaymentId,
    string? DeclineCode, string? DeclineMessage, DateTimeOffset CreatedAt, DateTimeOffset? ChargedAt, DateTimeOffset? RefundedAt)
{
    public static PaymentView From(PaymentRecord r) => new(
        r.OrderId, r.State.ToString(), r.Amount, r.Currency, r.CardLast4, r.PaymentId, r.DeclineCode, r.DeclineMessage, r.CreatedAt, r.ChargedAt, r.RefundedAt);
}

public sealed record LedgerLine(string Currency, decimal Charged, decimal Refunded, decimal Net, int Charges, int Refunds);

/// <summary>Per currency: <c>net</c> = charged − refunded, which equals the total of orders that kept their money.</summary>
public sealed record LedgerView(IReadOnlyList<LedgerLine> Items)
{
    public static LedgerView From(PaymentLedger ledger) => new(
        [.. ledger.Currencies.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new LedgerLine(c.Key, c.Value.Charged, c.Value.Refunded, c.Value.Net, c.Value.Charges, c.Value.Refunds))]);
}
