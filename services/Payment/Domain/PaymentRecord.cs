using ShopDapr.Contracts.Payment;

namespace ShopDapr.Payment.Domain;

public enum ChargeState { Pending, Charged, Declined, Refunded }

/// <summary>The event of a record's current state: being published by the request that changed it, published, or failed to publish.</summary>
public enum Announcement { Pending, Done, Failed }

/// <summary>
/// The one record of an order's payment (state key <c>payment-{orderId}</c>). Written first-write as
/// <see cref="ChargeState.Pending"/> (a claim: whoever writes it charges), then moved on with its ETag.
/// Holds the last four digits of the card only. <see cref="Announcement"/>: whether the event of the current state went out.
/// </summary>
public sealed record PaymentRecord(
    Guid OrderId,
    Guid ClaimId,
    ChargeState State,
    decimal Amount,
    string Currency,
    string CardLast4,
    DateTimeOffset CreatedAt,
    string? PaymentId = null,
    string? DeclineCode = null,
    string? DeclineMessage = null,
    DateTimeOffset? ChargedAt = null,
    string? RefundId = null,
    DateTimeOffset? RefundedAt = null,
    Announcement Announcement = Announcement.Pending)
{
    public static PaymentRecord Claim(ChargeRequest request, string cardLast4, DateTimeOffset now) =>
        new(request.OrderId, Guid.NewGuid(), ChargeState.Pending, request.Amount, request.Currency, cardLast4, now);

    /// <summary>A repeat must ask for the same money; another amount under the same order id is a client mistake.</summary>
    public bool Matches(ChargeRequest request) => Amount == request.Amount && Currency == request.Currency;

    public PaymentResult ToResult() => new(OrderId, PaymentId ?? "", State == ChargeState.Refunded ? PaymentStatus.Refunded : PaymentStatus.Charged, Amount, Currency);
}

/// <summary>
/// Money in and out per currency, kept in shards (state keys <c>payment-ledger-{n}</c>) each changed in the same
/// transaction as a record of its orders; the ledger is the sum of the shards.
/// </summary>
public sealed record PaymentLedger(IReadOnlyDictionary<string, LedgerTotals> Currencies)
{
    public static PaymentLedger Empty { get; } = new(new Dictionary<string, LedgerTotals>());

    public PaymentLedger Charge(string currency, decimal amount) =>
        With(currency, t => t with { Charged = t.Charged + amount, Charges = t.Charges + 1 });

    public PaymentLedger Refund(string currency, decimal amount) =>
        With(currency, t => t with { Refunded = t.Refunded + amount, Refunds = t.Refunds + 1 });

    public PaymentLedger Plus(PaymentLedger other)
    {
        var currencies = new Dictionary<string, LedgerTotals>(Currencies, StringComparer.Ordinal);
        foreach (var (currency, totals) in other.Currencies)
            currencies[currency] = currencies.TryGetValue(currency, out var mine) ? mine.Plus(totals) : totals;
        return new PaymentLedger(currencies);
    }

    private PaymentLedger With(string currency, Func<LedgerTotals, LedgerTotals> change)
    {
        var currencies = new Dictionary<string, LedgerTotals>(Currencies, StringComparer.Ordinal)
        {
            [currency] = change(Currencies.GetValueOrDefault(currency) ?? new LedgerTotals(0, 0, 0, 0)),
        };
        return new PaymentLedger(currencies);
    }
}

public sealed record LedgerTotals(decimal Charged, decimal Refunded, int Charges, int Refunds)
{
    public decimal Net => Charged - Refunded;

    public LedgerTotals Plus(LedgerTotals other) =>
        new(Charged + other.Charged, Refunded + other.Refunded, Charges + other.Charges, Refunds + other.Refunds);
}
