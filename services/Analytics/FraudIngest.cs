using ShopDapr.Analytics.Domain.Fraud;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.Contracts.Identity;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;

namespace ShopDapr.Analytics;

/// <summary>
/// Keeps the fraud features and labels from the events analytics already reads, each event once (its own marker,
/// <c>fraud:{eventId}</c>, beside the behaviour ingest's): a registration dates the account; a submitted order is
/// scored into its <see cref="FraudCase"/> from the customer's <see cref="CustomerRisk"/> as it was, then counted in; a
/// decline is counted on the customer of its order; a hold marks the case; a completion or an admin's reject appends
/// the case to the fraud log (<see cref="FraudLabels"/>). Every document is bounded; the log is a ring of pages. A
/// batch is planned here and applied with the behaviour ingest's changes as one unit of work (<see cref="BatchIngest"/>).
/// </summary>
public sealed partial class FraudIngest(AnalyticsStore store, ILogger<FraudIngest> logger)
{
    /// <summary>Whether this ingest learns from events of type <typeparamref name="T"/>.</summary>
    public static bool Reads<T>() => Only<T>() || typeof(T) == typeof(OrderSubmitted);

    /// <summary>Whether only this ingest reads events of type <typeparamref name="T"/> (the behaviour ingest does not).</summary>
    public static bool Only<T>() => typeof(T) == typeof(UserRegistered) || typeof(T) == typeof(OrderAwaitingApproval)
        || typeof(T) == typeof(OrderCompleted) || typeof(T) == typeof(OrderCancelled) || typeof(T) == typeof(PaymentDeclined);

    /// <summary>
    /// What each event of <paramref name="batch"/> changes in the fraud features, in order: <see cref="EventPlan.Drop"/>
    /// for one malformed for them, <see cref="EventPlan.Nothing"/> for a decline of an order analytics never saw submitted
    /// (no customer to count it on). What the events do not name (the fraud log's head, the declined orders' cases) is
    /// read for all of them at once.
    /// </summary>
    public async Task<IReadOnlyList<EventPlan>> PlanAsync(IReadOnlyList<(object Event, string EventId)> batch, CancellationToken cancellationToken)
    {
        var planning = new List<string>();
        if (batch.Any(e => e.Event is OrderCompleted or OrderCancelled))
            planning.Add(StateKeys.FraudHead);
        planning.AddRange(batch.Select(e => e.Event).OfType<PaymentDeclined>().Where(e => e.OrderId != Guid.Empty).Select(e => StateKeys.FraudCase(e.OrderId)));
        var known = await store.PeekAsync(planning, cancellationToken);
        var head = known.Get<FraudHead>(StateKeys.FraudHead) ?? new FraudHead(0);
        var plans = new EventPlan[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (integrationEvent, eventId) = batch[i];
            var marker = Marker(eventId);
            plans[i] = integrationEvent switch
            {
                UserRegistered e when !string.IsNullOrWhiteSpace(e.UserId) => EventPlan.Of(Registered(e, marker)),
                OrderSubmitted e when e.OrderId != Guid.Empty && !string.IsNullOrWhiteSpace(e.CustomerId) && e.Lines is { Count: > 0 } && e.ShippingAddress is not null
                    => EventPlan.Of(Submitted(e, marker)),
                OrderAwaitingApproval e when e.OrderId != Guid.Empty => EventPlan.Of(Held(e, marker)),
                OrderCompleted e when e.OrderId != Guid.Empty => EventPlan.Of(Label(e.OrderId, _ => false, head, marker)),
                OrderCancelled e when e.OrderId != Guid.Empty => EventPlan.Of(Label(e.OrderId, c => FraudLabels.OfCancellation(c, e.Reason ?? ""), head, marker)),
                PaymentDeclined e when e.OrderId != Guid.Empty => known.Get<FraudCase>(StateKeys.FraudCase(e.OrderId)) is { } declined
                    ? EventPlan.Of(Declined(e, declined.CustomerId, marker))
                    : EventPlan.Nothing,
                _ => EventPlan.Drop,
            };
            if (plans[i] == EventPlan.Drop)
                LogMalformed(logger, integrationEvent.GetType().Name, eventId);
        }
        return plans;
    }

    private static string Marker(string eventId) => $"fraud:{eventId}";

    private static EventChange Registered(UserRegistered e, string marker)
    {
        var key = StateKeys.Risk(e.UserId);
        return new(marker, [key], docs =>
            docs.Set(key, (docs.Get<CustomerRisk>(key) ?? CustomerRisk.Empty(e.UserId)).Registered(e.OccurredAt)));
    }

    private static EventChange Submitted(OrderSubmitted e, string marker)
    {
        var (riskKey, caseKey) = (StateKeys.Risk(e.CustomerId), StateKeys.FraudCase(e.OrderId));
        return new(marker, [riskKey, caseKey], docs =>
        {
            var risk = docs.Get<CustomerRisk>(riskKey) ?? CustomerRisk.Empty(e.CustomerId);
            var card = e.CardLast4 ?? "";
            if (docs.Get<FraudCase>(caseKey) is null)
            {
                var features = risk.FeaturesOf(e.OrderId, e.OccurredAt, card, e.ShippingAddress.Country ?? "", e.Total, e.Lines.Count, e.Lines.Sum(l => l?.Quantity ?? 0));
                docs.Set(caseKey, new FraudCase(e.OrderId, e.CustomerId, e.OccurredAt, features, Country: e.ShippingAddress.Country), FraudCase.KeepFor);
            }
            docs.Set(riskKey, risk.WithOrder(e.OrderId, e.OccurredAt, card, e.ShippingAddress.Country ?? ""));
        });
    }

    private static EventChange Held(OrderAwaitingApproval e, string marker)
    {
        var key = StateKeys.FraudCase(e.OrderId);
        return new(marker, [key], docs =>
        {
            if (docs.Get<FraudCase>(key) is { } held)
                docs.Set(key, held with { Held = true }, FraudCase.KeepFor);
        });
    }

    private static EventChange Declined(PaymentDeclined e, string customerId, string marker)
    {
        var riskKey = StateKeys.Risk(customerId);
        return new(marker, [riskKey], docs =>
            docs.Set(riskKey, (docs.Get<CustomerRisk>(riskKey) ?? CustomerRisk.Empty(customerId)).WithDecline(e.OccurredAt)));
    }

    /// <summary>
    /// Appends the order's case to the fraud log with the label <paramref name="label"/> gives it (none: nothing). The
    /// unit reads the page the head pointed at when planned and the next one (a batch fills at most one: it has fewer
    /// events than a page has records); when the head moved on beyond them since, the record is left out (a lost example,
    /// never a wrong page).
    /// </summary>
    private static EventChange Label(Guid orderId, Func<FraudCase, bool?> label, FraudHead planned, string marker)
    {
        var caseKey = StateKeys.FraudCase(orderId);
        var next = new FraudHead(planned.Page + 1);
        return new(marker, [caseKey, StateKeys.FraudHead, StateKeys.FraudPage(planned.Slot), StateKeys.FraudPage(next.Slot)], docs =>
        {
            if (docs.Get<FraudCase>(caseKey) is not { Labelled: false } open || label(open) is not { } fraud)
                return;
            var head = docs.Get<FraudHead>(StateKeys.FraudHead) ?? new FraudHead(0);
            if (head.Page != planned.Page && head.Page != next.Page)
                return;
            var page = docs.Get<FraudPage>(StateKeys.FraudPage(head.Slot)) ?? FraudPage.Empty;
            if (page.Records.Count >= FraudPage.Size) // a page left over from the ring's previous turn
                page = FraudPage.Empty;
            page = new FraudPage([.. page.Records, new FraudRecord(open.Features, fraud, open.At, open.Country)]);
            docs.Set(StateKeys.FraudPage(head.Slot), page);
            docs.Set(StateKeys.FraudHead, page.Records.Count >= FraudPage.Size ? new FraudHead(head.Page + 1) : head);
            docs.Set(caseKey, open with { Labelled = true }, FraudCase.KeepFor);
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a malformed {EventType} event {EventId} to the dead-letter topic (fraud features)")]
    private static partial void LogMalformed(ILogger logger, string eventType, string eventId);
}
