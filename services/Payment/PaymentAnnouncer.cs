using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;

namespace ShopDapr.Payment;

/// <summary>
/// Publishes the event of a record's state and records how that went (<see cref="Announcement"/>), so an event is never
/// lost behind a stored outcome yet concurrent duplicates do not each publish it:
/// <list type="bullet">
/// <item>the request that made the change publishes, then marks <see cref="Announcement.Done"/> — or, when publishing
/// fails, <see cref="Announcement.Failed"/> and fails itself (the caller retries);</item>
/// <item>a repeat publishes only a <see cref="Announcement.Failed"/> event, or a <see cref="Announcement.Pending"/> one
/// older than <see cref="Grace"/> (its publisher crashed); a fresh Pending one is being published right now.</item>
/// </list>
/// Delivery is at least once: consumers de-duplicate by order id and event type.
/// </summary>
/// <remarks>
/// Payment keeps this announcer rather than Dapr's transactional outbox (ServiceDefaults' OutboxPublishing): Dapr's
/// outbox publishes EVERY upsert of a state transaction to the store's one topic, and payment commits a charge's record
/// together with the customer's ledger in one transaction (<see cref="PaymentStore.TryCommitAsync"/>), so the ledger
/// would be published on order-events as well. The record's <see cref="Announcement"/> is the outbox here.
/// </remarks>
public sealed partial class PaymentAnnouncer(PaymentStore store, PaymentEvents events, TimeProvider time, ILogger<PaymentAnnouncer> logger)
{
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>By the request that made the change.</summary>
    public Task AnnounceAsync(PaymentRecord record, CancellationToken cancellationToken) => PublishAndMarkAsync(record, cancellationToken);

    /// <summary>By a repeat: publishes when the change's own publisher failed or vanished. True when it published.</summary>
    public async Task<bool> EnsureAnnouncedAsync(PaymentRecord record, CancellationToken cancellationToken)
    {
        if (record.Announcement == Announcement.Done || record.State == ChargeState.Pending)
            return false;
        if (record.Announcement == Announcement.Pending && time.GetUtcNow() - ChangedAt(record) < Grace)
            return false;
        LogAnnouncingAgain(logger, record.OrderId, record.State, record.Announcement);
        await PublishAndMarkAsync(record, cancellationToken);
        return true;
    }

    private async Task PublishAndMarkAsync(PaymentRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(record, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPublishFailed(logger, record.OrderId, record.State, e);
            await MarkAsync(record, Announcement.Failed, CancellationToken.None);
            throw;
        }
        await MarkAsync(record, Announcement.Done, cancellationToken);
    }

    private async Task PublishAsync(PaymentRecord record, CancellationToken cancellationToken)
    {
        switch (record.State)
        {
            case ChargeState.Charged:
                await events.PublishAsync(new PaymentCharged(record.OrderId, record.PaymentId!, record.Amount, record.Currency, record.ChargedAt!.Value), cancellationToken);
                break;
            case ChargeState.Declined:
                await events.PublishAsync(new PaymentDeclined(record.OrderId, record.DeclineMessage ?? record.DeclineCode ?? "declined", record.CreatedAt), cancellationToken);
                break;
            case ChargeState.Refunded:
                await events.PublishAsync(new PaymentRefunded(record.OrderId, record.PaymentId!, record.Amount, record.Currency, record.RefundedAt!.Value), cancellationToken);
                break;
        }
    }

    private async Task MarkAsync(PaymentRecord record, Announcement announcement, CancellationToken cancellationToken)
    {
        var (current, etag) = await store.GetAsync(record.OrderId, cancellationToken);
        if (current is null || current.State != record.State || current.Announcement == Announcement.Done)
            return;
        if (!await store.TryReplaceAsync(current with { Announcement = announcement }, etag, cancellationToken))
            LogMarkLost(logger, record.OrderId, record.State);
    }

    private static DateTimeOffset ChangedAt(PaymentRecord r) => r.State switch
    {
        ChargeState.Charged => r.ChargedAt ?? r.CreatedAt,
        ChargeState.Refunded => r.RefundedAt ?? r.CreatedAt,
        _ => r.CreatedAt,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the {State} event of order {OrderId} failed; a repeat publishes it")]
    private static partial void LogPublishFailed(ILogger logger, Guid orderId, ChargeState state, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing the {State} event of order {OrderId} again (it was {Announcement})")]
    private static partial void LogAnnouncingAgain(ILogger logger, Guid orderId, ChargeState state, Announcement announcement);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} changed while recording its {State} announcement")]
    private static partial void LogMarkLost(ILogger logger, Guid orderId, ChargeState state);
}
