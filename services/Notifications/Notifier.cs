using System.Net.Mail;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Notifications.Emails;
using ShopDapr.Notifications.Infrastructure;

namespace ShopDapr.Notifications;

/// <summary>What to tell the sidecar about a delivered event (Dapr's subscription response statuses).</summary>
public enum Delivery { Success, Retry, Drop }

/// <summary>
/// One order event → at most one e-mail. The order of steps is the guarantee:
/// <list type="number">
/// <item>render (a broken event is dropped before anything is written);</item>
/// <item>write the event's marker first-write — whoever loses has nothing to do (duplicate or concurrent redelivery);</item>
/// <item>send through the mail binding;</item>
/// <item>if sending fails, delete the marker and answer RETRY, so the sidecar redelivers under its resiliency policy
/// (and, once that gives up, to the dead-letter topic).</item>
/// </list>
/// Marking before sending means a crash between the two loses that one e-mail (logged as marked, never sent) but can
/// never send it twice; sending first would do the opposite. The brief is "at most one", so the marker goes first.
/// </summary>
public sealed partial class Notifier(DedupeStore dedupe, MailSender mail, TimeProvider time, ILogger<Notifier> logger)
{
    public async Task<Delivery> HandleAsync(IOrderEvent orderEvent, CancellationToken cancellationToken)
    {
        var type = orderEvent.GetType().Name;
        if (orderEvent.EventId == Guid.Empty || orderEvent.OrderId == Guid.Empty)
        {
            LogUnusable(logger, type, orderEvent.OrderId, "no event or order id");
            return Delivery.Drop;
        }
        if (OrderEmails.For(orderEvent) is not { } content)
            return Delivery.Success; // not customer-facing
        if (!IsMailbox(orderEvent.CustomerEmail))
        {
            LogUnusable(logger, type, orderEvent.OrderId, "no usable customer e-mail address");
            return Delivery.Drop;
        }
        var message = EmailLayout.Render(orderEvent.CustomerEmail, content);

        if (!await dedupe.TryMarkAsync(new NotificationMarker(orderEvent.EventId, orderEvent.OrderId, type, time.GetUtcNow()), cancellationToken))
        {
            LogDuplicate(logger, type, orderEvent.EventId, orderEvent.OrderId);
            return Delivery.Success;
        }
        try
        {
            await mail.SendAsync(message, FileName(orderEvent), orderEvent.EventId, cancellationToken);
        }
        catch (Exception e)
        {
            LogSendFailed(logger, type, orderEvent.OrderId, e);
            await dedupe.UnmarkAsync(orderEvent.EventId, CancellationToken.None);
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
                throw; // the delivery itself was abandoned; the sidecar redelivers
            return Delivery.Retry;
        }
        LogSent(logger, type, orderEvent.OrderId, orderEvent.Version);
        return Delivery.Success;
    }

    /// <summary><c>{orderId}-{version}-{eventType}.eml</c>: one file per event, sorted by order and step.</summary>
    public static string FileName(IOrderEvent orderEvent) =>
        $"{orderEvent.OrderId:D}-{orderEvent.Version}-{orderEvent.GetType().Name}.eml";

    private static bool IsMailbox(string? address) =>
        !string.IsNullOrWhiteSpace(address) && address.Length <= 254 && !address.Any(char.IsControl)
        && MailAddress.TryCreate(address, out var parsed) && parsed.Address == address && string.IsNullOrEmpty(parsed.DisplayName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {EventType} e-mail for order {OrderId} (version {Version})")]
    private static partial void LogSent(ILogger logger, string eventType, Guid orderId, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "{EventType} {EventId} for order {OrderId} was already e-mailed; skipped")]
    private static partial void LogDuplicate(ILogger logger, string eventType, Guid eventId, Guid orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending the {EventType} e-mail for order {OrderId} failed; marker removed, asking for redelivery")]
    private static partial void LogSendFailed(ILogger logger, string eventType, Guid orderId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {EventType} for order {OrderId}: {Reason}")]
    private static partial void LogUnusable(ILogger logger, string eventType, Guid orderId, string reason);
}
