using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;

namespace ShopDapr.Payment;

/// <summary>
/// Publishes the event of a record's current state and then marks the record announced. A publish that fails leaves the
/// mark unset, so the next repeat of the charge or refund (the caller retries a failed call) publishes it again: events
/// are delivered at least once, never lost behind a stored outcome.
/// </summary>
public sealed partial class PaymentAnnouncer(PaymentStore store, PaymentEvents events, ILogger<PaymentAnnouncer> logger)
{
    public async Task EnsureAnnouncedAsync(PaymentRecord record, CancellationToken cancellationToken)
    {
        if (record.Announced)
            return;
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
            default:
                return;
        }
        var (current, etag) = await store.GetAsync(record.OrderId, cancellationToken);
        if (current is { Announced: false } c && c.State == record.State && !await store.TryReplaceAsync(c with { Announced = true }, etag, cancellationToken))
            LogMarkLost(logger, record.OrderId, record.State);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} changed while marking its {State} event announced; a repeat may announce it again")]
    private static partial void LogMarkLost(ILogger logger, Guid orderId, ChargeState state);
}
