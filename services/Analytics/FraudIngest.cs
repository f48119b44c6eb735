using Dapr;
using ShopDapr.Analytics.Domain.Fraud;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.Contracts.Identity;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Analytics;

/// <summary>
/// Keeps the fraud features and labels from the events analytics already reads, each event once (its own marker,
/// <c>fraud:{eventId}</c>, beside the behaviour ingest's): a registration dates the account; a submitted order is
/// scored into its <see cref="FraudCase"/> from the customer's <see cref="CustomerRisk"/> as it was, then counted in; a
/// decline is counted on the customer of its order; a hold marks the case; a completion or an admin's reject appends
/// the case to the fraud log (<see cref="FraudLabels"/>). Every document is bounded; the log is a ring of pages.
/// </summary>
public sealed partial class FraudIngest(AnalyticsStore store, ILogger<FraudIngest> logger)
{
    /// <summary>Whether this ingest learns from events of type <typeparamref name="T"/>.</summary>
    public static bool Reads<T>() => Only<T>() || typeof(T) == typeof(OrderSubmitted);

    /// <summary>Whether only this ingest reads events of type <typeparamref name="T"/> (the behaviour ingest does not).</summary>
    public static bool Only<T>() => typeof(T) == typeof(UserRegistered) || typeof(T) == typeof(OrderAwaitingApproval)
        || typeof(T) == typeof(OrderCompleted) || typeof(T) == typeof(OrderCancelled) || typeof(T) == typeof(PaymentDeclined);

    public async Task<SubscriptionReply> HandleAsync(object integrationEvent, string eventId, CancellationToken cancellationToken)
    {
        try
        {
            var applied = integrationEvent switch
            {
                UserRegistered e when !string.IsNullOrWhiteSpace(e.UserId) => await RegisteredAsync(e, eventId, cancellationToken),
                OrderSubmitted e when e.OrderId != Guid.Empty && !string.IsNullOrWhiteSpace(e.CustomerId) && e.Lines is { Count: > 0 } && e.ShippingAddress is not null
                    => await SubmittedAsync(e, eventId, cancellationToken),
                OrderAwaitingApproval e when e.OrderId != Guid.Empty => await HeldAsync(e, eventId, cancellationToken),
                OrderCompleted e when e.OrderId != Guid.Empty => await LabelAsync(e.OrderId, _ => false, eventId, cancellationToken),
                OrderCancelled e when e.OrderId != Guid.Empty => await LabelAsync(e.OrderId, c => FraudLabels.OfCancellation(c, e.Reason ?? ""), eventId, cancellationToken),
                PaymentDeclined e when e.OrderId != Guid.Empty => await DeclinedAsync(e, eventId, cancellationToken),
                _ => (Applied?)null,
            };
            if (applied is null)
            {
                LogMalformed(logger, integrationEvent.GetType().Name, eventId);
                return SubscriptionReply.Drop;
            }
            return SubscriptionReply.Success;
        }
        catch (Exception e) when (e is StateConflictException or DaprException)
        {
            LogRetry(logger, integrationEvent.GetType().Name, eventId, e);
            return SubscriptionReply.Retry;
        }
    }

    private static string Marker(string eventId) => $"fraud:{eventId}";

    private Task<Applied> RegisteredAsync(UserRegistered e, string eventId, CancellationToken cancellationToken)
    {
        var key = StateKeys.Risk(e.UserId);
        return store.ApplyOnceAsync(Marker(eventId), [key], docs =>
            docs.Set(key, (docs.Get<CustomerRisk>(key) ?? CustomerRisk.Empty(e.UserId)).Registered(e.OccurredAt)), cancellationToken);
    }

    private Task<Applied> SubmittedAsync(OrderSubmitted e, string eventId, CancellationToken cancellationToken)
    {
        var (riskKey, caseKey) = (StateKeys.Risk(e.CustomerId), StateKeys.FraudCase(e.OrderId));
        return store.ApplyOnceAsync(Marker(eventId), [riskKey, caseKey], docs =>
        {
            var risk = docs.Get<CustomerRisk>(riskKey) ?? CustomerRisk.Empty(e.CustomerId);
            var card = e.CardLast4 ?? "";
            if (docs.Get<FraudCase>(caseKey) is null)
            {
                var features = risk.FeaturesOf(e.OrderId, e.OccurredAt, card, e.ShippingAddress.Country ?? "", e.Total, e.Lines.Count, e.Lines.Sum(l => l?.Quantity ?? 0));
                docs.Set(caseKey, new FraudCase(e.OrderId, e.CustomerId, e.OccurredAt, features, Country: e.ShippingAddress.Country), FraudCase.KeepFor);
            }
            docs.Set(riskKey, risk.WithOrder(e.OrderId, e.OccurredAt, card, e.ShippingAddress.Country ?? ""));
        }, cancellationToken);
    }

    private Task<Applied> HeldAsync(OrderAwaitingApproval e, string eventId, CancellationToken cancellationToken)
    {
        var key = StateKeys.FraudCase(e.OrderId);
        return store.ApplyOnceAsync(Marker(eventId), [key], docs =>
        {
            if (docs.Get<FraudCase>(key) is { } held)
                docs.Set(key, held with { Held = true }, FraudCase.KeepFor);
        }, cancellationToken);
    }

    private async Task<Applied> DeclinedAsync(PaymentDeclined e, string eventId, CancellationToken cancellationToken)
    {
        var caseKey = StateKeys.FraudCase(e.OrderId);
        if (await store.GetAsync<FraudCase>(caseKey, cancellationToken) is not { } declined)
            return Applied.Done; // an order analytics never saw submitted: no customer to count it on
        var riskKey = StateKeys.Risk(declined.CustomerId);
        return await store.ApplyOnceAsync(Marker(eventId), [riskKey], docs =>
            docs.Set(riskKey, (docs.Get<CustomerRisk>(riskKey) ?? CustomerRisk.Empty(declined.CustomerId)).WithDecline(e.OccurredAt)), cancellationToken);
    }

    /// <summary>
    /// Appends the order's case to the fraud log with the label <paramref name="label"/> gives it (none: nothing). When the
    /// head moved on since it was read, the record is left out (a lost example, never a wrong page).
    /// </summary>
    private async Task<Applied> LabelAsync(Guid orderId, Func<FraudCase, bool?> label, string eventId, CancellationToken cancellationToken)
    {
        var caseKey = StateKeys.FraudCase(orderId);
        var planned = await store.GetAsync<FraudHead>(StateKeys.FraudHead, cancellationToken) ?? new FraudHead(0);
        return await store.ApplyOnceAsync(Marker(eventId), [caseKey, StateKeys.FraudHead, StateKeys.FraudPage(planned.Slot)], docs =>
        {
            if (docs.Get<FraudCase>(caseKey) is not { Labelled: false } open || label(open) is not { } fraud)
                return;
            var head = docs.Get<FraudHead>(StateKeys.FraudHead) ?? new FraudHead(0);
            if (head.Page != planned.Page)
                return;
            var page = docs.Get<FraudPage>(StateKeys.FraudPage(head.Slot)) ?? FraudPage.Empty;
            if (page.Records.Count >= FraudPage.Size) // a page left over from the ring's previous turn
                page = FraudPage.Empty;
            page = new FraudPage([.. page.Records, new FraudRecord(open.Features, fraud, open.At, open.Country)]);
            docs.Set(StateKeys.FraudPage(head.Slot), page);
            docs.Set(StateKeys.FraudHead, page.Records.Count >= FraudPage.Size ? new FraudHead(head.Page + 1) : head);
            docs.Set(caseKey, open with { Labelled = true }, FraudCase.KeepFor);
        }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a malformed {EventType} event {EventId} to the dead-letter topic (fraud features)")]
    private static partial void LogMalformed(ILogger logger, string eventType, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply the {EventType} event {EventId} to the fraud features now; asking for redelivery")]
    private static partial void LogRetry(ILogger logger, string eventType, string eventId, Exception exception);
}
