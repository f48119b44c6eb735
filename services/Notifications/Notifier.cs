using System.Net.Mail;
using Microsoft.Extensions.Options;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Notifications.Emails;
using ShopDapr.Notifications.Infrastructure;

namespace ShopDapr.Notifications;

/// <summary>What to tell the sidecar about a delivered event (Dapr's subscription response statuses).</summary>
public enum Delivery { Success, Retry, Drop }

/// <summary>
/// One order event → one e-mail, even across a crash. The order of steps is the guarantee:
/// <list type="number">
/// <item>render (a broken event is dropped before anything is written);</item>
/// <item>claim the event: write its marker, <c>Sending</c>, first-write. A delivery that finds the marker sent has a
/// duplicate (done); one that finds it still sending leaves it to the delivery at work and asks for redelivery
/// (RETRY), unless the marker is older than <see cref="NotificationsOptions.ClaimAfter"/>: that delivery died between
/// marking and sending (kill -9, a power cut), so this one takes the claim over by ETag and sends;</item>
/// <item>send through the mail binding;</item>
/// <item>mark the marker sent. If sending fails, delete the marker and answer RETRY, so the sidecar redelivers under its
/// resiliency policy (and, once that gives up, to the dead-letter topic).</item>
/// </list>
/// A delivery that dies after sending and before marking sent is the one case that sends twice. The second send is the
/// same message: the same file name (<see cref="FileName"/>, which the local mail folder overwrites) and the same
/// <c>Message-ID</c> (the event id), by which mail clients fold duplicates. Never sending it at all, which marking once
/// and for good before sending did, lost a customer's e-mail at every crash in that window.
/// </summary>
public sealed partial class Notifier(DedupeStore dedupe, MailSender mail, TimeProvider time, IOptions<NotificationsOptions> options, ILogger<Notifier> logger)
{
    private enum Claim { Mine, TakenOver, Sent, InProgress }

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

        var marker = new NotificationMarker(orderEvent.EventId, orderEvent.OrderId, type, time.GetUtcNow(), Sending: true);
        switch (await ClaimAsync(marker, cancellationToken))
        {
            case Claim.Sent:
                LogDuplicate(logger, type, orderEvent.EventId, orderEvent.OrderId);
                return Delivery.Success;
            case Claim.InProgress:
                LogInProgress(logger, type, orderEvent.EventId, orderEvent.OrderId);
                return Delivery.Retry;
            case Claim.TakenOver:
                LogTakenOver(logger, type, orderEvent.EventId, orderEvent.OrderId);
                break;
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
        try
        {
            await dedupe.MarkSentAsync(marker, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The e-mail is out: acknowledge it. The marker stays Sending, so a stray redelivery after ClaimAfter sends the
            // same message again (same file, same Message-ID) rather than never.
            LogMarkSentFailed(logger, type, orderEvent.OrderId, e);
        }
        return Delivery.Success;
    }

    private async Task<Claim> ClaimAsync(NotificationMarker mine, CancellationToken cancellationToken)
    {
        if (await dedupe.TryMarkAsync(mine, cancellationToken))
            return Claim.Mine;
        if (await dedupe.ReadAsync(mine.EventId, cancellationToken) is not { } found)
            return Claim.InProgress; // unmarked after a failed send since our write: a redelivery claims it afresh
        if (!found.Marker.Sending)
            return Claim.Sent;
        if (mine.MarkedAt - found.Marker.MarkedAt < options.Value.ClaimAfter)
            return Claim.InProgress;
        return await dedupe.TryReplaceAsync(mine, found.ETag, cancellationToken) ? Claim.TakenOver : Claim.InProgress;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{EventType} {EventId} for order {OrderId} is being e-mailed by another delivery; asked for redelivery")]
    private static partial void LogInProgress(ILogger logger, string eventType, Guid eventId, Guid orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{EventType} {EventId} for order {OrderId} was marked for sending by a delivery that never finished; sending it now")]
    private static partial void LogTakenOver(ILogger logger, string eventType, Guid eventId, Guid orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {EventType} e-mail for order {OrderId} was sent but could not be marked sent; a redelivery may send the same message again")]
    private static partial void LogMarkSentFailed(ILogger logger, string eventType, Guid orderId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending the {EventType} e-mail for order {OrderId} failed; marker removed, asking for redelivery")]
    private static partial void LogSendFailed(ILogger logger, string eventType, Guid orderId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {EventType} for order {OrderId}: {Reason}")]
    private static partial void LogUnusable(ILogger logger, string eventType, Guid orderId, string reason);
}
