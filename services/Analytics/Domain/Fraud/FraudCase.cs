namespace ShopDapr.Analytics.Domain.Fraud;

/// <summary>
/// An order waiting for its outcome (state key <c>fraud-case-{orderId}</c>, kept <see cref="KeepFor"/>): its features as
/// they were when it was placed, its customer, and whether it was held for an admin. Its outcome turns it into a
/// <see cref="FraudRecord"/> in the log (<see cref="FraudLabels"/>). Its destination <paramref name="Country"/> is kept for
/// scoring it with <see cref="FraudRules"/>, the baseline (null in cases stored before it was kept).
/// </summary>
public sealed record FraudCase(
    Guid OrderId, string CustomerId, DateTimeOffset At, FraudFeatures Features, bool Held = false, bool Labelled = false, string? Country = null)
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(30);
}

/// <summary>One labelled order the fraud model learns from, with its destination for the rules' baseline (null in older records).</summary>
public sealed record FraudRecord(FraudFeatures Features, bool Fraud, DateTimeOffset At, string? Country = null);

/// <summary>A page of the fraud log (state key <c>fraud-log-{slot}</c>), at most <see cref="Size"/> records.</summary>
public sealed record FraudPage(IReadOnlyList<FraudRecord> Records)
{
    public const int Size = 200;

    /// <summary>Pages in the ring: the log keeps the last <see cref="Pages"/> × <see cref="Size"/> labelled orders.</summary>
    public const int Pages = 25;

    public static FraudPage Empty { get; } = new([]);
}

/// <summary>Where the next fraud record goes (state key <c>fraud-head</c>).</summary>
public sealed record FraudHead(long Page)
{
    public int Slot => (int)(Page % FraudPage.Pages);
}

/// <summary>
/// The shop's own outcomes as labels. An order held for review that an admin rejected is fraud; an order that completed
/// (paid and shipped, with or without an admin's approval) is legitimate. Everything else teaches nothing and is left
/// out: a customer's cancel, a hold that timed out without a decision (nobody judged it), an order cancelled for stock
/// or a declined card. Declines are a weak signal, so they are a feature (declines in the last day), not a label: a
/// decline says the card failed, not that the buyer was a fraudster.
/// </summary>
public static class FraudLabels
{
    /// <summary>The start of the reason the order workflow gives when an admin rejects a held order.</summary>
    public const string RejectedByAdmin = "Rejected by an admin";

    /// <summary>True: fraud; false: legitimate; null: no label.</summary>
    public static bool? OfCancellation(FraudCase held, string reason) =>
        held.Held && reason.StartsWith(RejectedByAdmin, StringComparison.Ordinal) ? true : null;
}
