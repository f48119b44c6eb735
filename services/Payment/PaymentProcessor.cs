using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;

namespace ShopDapr.Payment;

/// <summary>What a charge came to.</summary>
public abstract record ChargeOutcome
{
    public sealed record Charged(PaymentResult Result) : ChargeOutcome;
    public sealed record Declined(string Code, string Message) : ChargeOutcome;
    public sealed record Transient(string Message) : ChargeOutcome;
    /// <summary>Another request for the same order is charging right now.</summary>
    public sealed record InProgress : ChargeOutcome;
    /// <summary>The order was charged for another amount or currency.</summary>
    public sealed record Mismatch(decimal Amount, string Currency) : ChargeOutcome;
    /// <summary>The card token names no card in the vault (never vaulted, or its entry cannot be read): nothing was charged.</summary>
    public sealed record UnknownCard : ChargeOutcome;
}

public abstract record RefundOutcome
{
    public sealed record Refunded(PaymentResult Result) : RefundOutcome;
    public sealed record NotCharged : RefundOutcome;
    public sealed record InProgress : RefundOutcome;
    public sealed record Transient(string Message) : RefundOutcome;
}

/// <summary>
/// Charges and refunds, idempotent per order. The order's record is the lock: the request that writes the Pending
/// claim (first-write) is the only one that calls the provider; every other request reads the stored outcome, waiting
/// briefly while a claim is pending. The provider call itself carries the order id as its idempotency key, so even a
/// claim taken over after a crash cannot charge twice. The card is charged by its vault token: the number is read back from
/// <see cref="CardVault"/> just before the provider call and kept nowhere else; an unknown token charges nothing.
/// </summary>
public sealed partial class PaymentProcessor(
    PaymentStore store, CardVault vault, ICardProvider provider, PaymentAnnouncer announcer, TimeProvider time, ILogger<PaymentProcessor> logger)
{
    /// <summary>A claim older than this was left by a crashed request and may be taken over.</summary>
    internal static readonly TimeSpan StaleClaim = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PendingWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PendingPoll = TimeSpan.FromMilliseconds(50);
    private const int MaxRounds = 400;

    public async Task<ChargeOutcome> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        var waitUntil = time.GetUtcNow() + PendingWait;
        (VaultEntry Entry, ProviderCard Card)? opened = null;
        for (var round = 0; round < MaxRounds; round++)
        {
            var (record, etag) = await store.GetAsync(request.OrderId, cancellationToken);
            if (record is null || (record.State == ChargeState.Pending && time.GetUtcNow() - record.CreatedAt > StaleClaim))
            {
                // About to charge: the card must be in the vault. An unknown token writes nothing (a refusal, not a failure).
                opened ??= await vault.OpenAsync(request.CardToken, cancellationToken);
                if (opened is not { } card)
                {
                    LogUnknownCard(logger, request.OrderId);
                    return new ChargeOutcome.UnknownCard();
                }
                if (record is null)
                {
                    var claim = PaymentRecord.Claim(request, card.Entry.Last4, time.GetUtcNow());
                    if (await store.TryClaimAsync(claim, cancellationToken))
                        return await ChargeClaimedAsync(claim, request, card.Card, cancellationToken);
                    continue; // a concurrent duplicate claimed first: read what it stored
                }
            }
            if (!record.Matches(request))
                return new ChargeOutcome.Mismatch(record.Amount, record.Currency);
            switch (record.State)
            {
                case ChargeState.Charged or ChargeState.Refunded:
                    LogRepeat(logger, request.OrderId, record.State);
                    await announcer.EnsureAnnouncedAsync(record, cancellationToken);
                    return new ChargeOutcome.Charged(record.ToResult());
                case ChargeState.Declined:
                    await announcer.EnsureAnnouncedAsync(record, cancellationToken);
                    return new ChargeOutcome.Declined(record.DeclineCode ?? DeclineCodes.CardDeclined, record.DeclineMessage ?? "The card was declined.");
            }
            if (time.GetUtcNow() - record.CreatedAt > StaleClaim)
            {
                var takeover = record with { ClaimId = Guid.NewGuid(), CreatedAt = time.GetUtcNow() };
                if (await store.TryReplaceAsync(takeover, etag, cancellationToken))
                    return await ChargeClaimedAsync(takeover, request, opened!.Value.Card, cancellationToken);
                continue;
            }
            if (time.GetUtcNow() >= waitUntil)
                return new ChargeOutcome.InProgress();
            await Task.Delay(PendingPoll, time, cancellationToken);
        }
        return new ChargeOutcome.InProgress(); // the record kept changing under us: let the caller retry
    }

    private async Task<ChargeOutcome> ChargeClaimedAsync(PaymentRecord claim, ChargeRequest request, ProviderCard card, CancellationToken cancellationToken)
    {
        var etag = await ClaimETagAsync(claim, cancellationToken);
        if (etag is null)
            return new ChargeOutcome.InProgress();
        ProviderCharge answer;
        try
        {
            answer = await provider.ChargeAsync(IdempotencyKey(claim.OrderId), card, request.Amount, request.Currency, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogProviderFailed(logger, claim.OrderId, e);
            await store.TryReleaseAsync(claim.OrderId, etag, CancellationToken.None);
            throw;
        }
        var now = time.GetUtcNow();
        switch (answer)
        {
            case ProviderCharge.Approved approved:
                var charged = claim with { State = ChargeState.Charged, PaymentId = approved.PaymentId, ChargedAt = now };
                if (!await store.TryCommitAsync(charged, etag, l => l.Charge(charged.Currency, charged.Amount), cancellationToken))
                    return new ChargeOutcome.InProgress();
                LogCharged(logger, claim.OrderId, approved.PaymentId, claim.Amount, claim.Currency, claim.CardLast4);
                await announcer.AnnounceAsync(charged, cancellationToken);
                return new ChargeOutcome.Charged(charged.ToResult());
            case ProviderCharge.Declined declined:
                var refused = claim with { State = ChargeState.Declined, DeclineCode = declined.Code, DeclineMessage = declined.Message };
                if (!await store.TryReplaceAsync(refused, etag, cancellationToken))
                    return new ChargeOutcome.InProgress();
                LogDeclined(logger, claim.OrderId, declined.Code, claim.CardLast4);
                await announcer.AnnounceAsync(refused, cancellationToken);
                return new ChargeOutcome.Declined(declined.Code, declined.Message);
            case ProviderCharge.TransientFailure transient:
                LogTransient(logger, claim.OrderId, transient.Message);
                await store.TryReleaseAsync(claim.OrderId, etag, cancellationToken);
                return new ChargeOutcome.Transient(transient.Message);
            default:
                throw new InvalidOperationException($"Unknown provider answer {answer.GetType().Name}.");
        }
    }

    public async Task<RefundOutcome> RefundAsync(Guid orderId, CancellationToken cancellationToken)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var (record, etag) = await store.GetAsync(orderId, cancellationToken);
            switch (record?.State)
            {
                case null or ChargeState.Declined:
                    return new RefundOutcome.NotCharged();
                case ChargeState.Pending:
                    return new RefundOutcome.InProgress();
                case ChargeState.Refunded:
                    await announcer.EnsureAnnouncedAsync(record, cancellationToken);
                    return new RefundOutcome.Refunded(record.ToResult());
            }
            if (await announcer.EnsureAnnouncedAsync(record, cancellationToken))
                continue; // the charge was told before its refund; recording that moved the ETag on
            var answer = await provider.RefundAsync(RefundKey(orderId), record.PaymentId!, record.Amount, record.Currency, cancellationToken);
            if (answer is ProviderRefund.TransientFailure transient)
                return new RefundOutcome.Transient(transient.Message);
            var refundId = ((ProviderRefund.Refunded)answer).RefundId;
            var now = time.GetUtcNow();
            var refunded = record with { State = ChargeState.Refunded, RefundId = refundId, RefundedAt = now, Announcement = Announcement.Pending };
            if (!await store.TryCommitAsync(refunded, etag, l => l.Refund(record.Currency, record.Amount), cancellationToken))
                continue; // a concurrent refund recorded it first: read it
            LogRefunded(logger, orderId, record.PaymentId!, record.Amount, record.Currency);
            await announcer.AnnounceAsync(refunded, cancellationToken);
            return new RefundOutcome.Refunded(refunded.ToResult());
        }
        return new RefundOutcome.InProgress(); // the record kept changing under us: let the caller retry
    }

    /// <summary>The ETag of our own claim, or null when someone else's claim replaced it.</summary>
    private async Task<string?> ClaimETagAsync(PaymentRecord claim, CancellationToken cancellationToken)
    {
        var (stored, etag) = await store.GetAsync(claim.OrderId, cancellationToken);
        return stored?.ClaimId == claim.ClaimId ? etag : null;
    }

    internal static string IdempotencyKey(Guid orderId) => $"charge-{orderId:N}";

    internal static string RefundKey(Guid orderId) => $"refund-{orderId:N}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Charged order {OrderId}: payment {PaymentId}, {Amount} {Currency}, card ending {CardLast4}")]
    private static partial void LogCharged(ILogger logger, Guid orderId, string paymentId, decimal amount, string currency, string cardLast4);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} names a card token the vault does not hold; nothing charged")]
    private static partial void LogUnknownCard(ILogger logger, Guid orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Declined order {OrderId} ({Code}), card ending {CardLast4}")]
    private static partial void LogDeclined(ILogger logger, Guid orderId, string code, string cardLast4);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charging order {OrderId} failed transiently: {Reason}")]
    private static partial void LogTransient(ILogger logger, Guid orderId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The card provider failed while charging order {OrderId}; claim released")]
    private static partial void LogProviderFailed(ILogger logger, Guid orderId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refunded order {OrderId}: payment {PaymentId}, {Amount} {Currency}")]
    private static partial void LogRefunded(ILogger logger, Guid orderId, string paymentId, decimal amount, string currency);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Repeated charge for order {OrderId} answered from its record ({State})")]
    private static partial void LogRepeat(ILogger logger, Guid orderId, ChargeState state);
}
