using System.Security.Cryptography;
using System.Text;
using Dapr.Client;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Payment.Infrastructure;

/// <summary>
/// A vaulted card in the state store (key <c>card-{token}</c>): the number encrypted (<see cref="ICardCipher"/>, bound to
/// the token: with the keys app, its ciphertext <c>shopdapr:v{version}:…</c>), and what may be shown. The CVC is checked when the card is vaulted (<see cref="Api.CardVaultApi"/>) and
/// then dropped: it is stored nowhere, and a charge by token is made without it, as a provider charges a saved card.
/// </summary>
public sealed record VaultEntry(string Token, string NumberCiphertext, string Last4, string Brand, string Expiry, DateTimeOffset CreatedAt)
{
    public VaultedCard ToVaultedCard() => new(Token, Last4, Brand, Expiry);
}

/// <summary>
/// Vaults cards (checkout) and reads them back by token (a charge). With the keys app as the cipher, an entry sealed by
/// this app's data protection (the vault's cipher before keys; <paramref name="previous"/>) still opens, and is
/// rewritten under keys as it opens: guarded by the ETag it was read with, so a concurrent migration or change wins and
/// nothing is written twice.
/// </summary>
public sealed partial class CardVault(
    DaprClient dapr, ICardCipher cipher, TimeProvider time, DataProtectionCardCipher? previous = null, ILogger<CardVault>? logger = null)
{
    private readonly ILogger _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<CardVault>.Instance;

    private const string Store = ShopNames.Components.StateStore;
    private static readonly StateOptions New = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    /// <summary>The form of the keys app's outputs: an entry whose ciphertext does not start so was sealed by data protection.</summary>
    private const string KeysCiphertextPrefix = "shopdapr:v";

    internal static string Key(string token) => $"card-{token}";

    /// <summary>Vaults a card that passed <see cref="CheckoutRules.CheckCard"/>; a new token each time.</summary>
    public async Task<VaultedCard> VaultAsync(CardDetails card, CancellationToken cancellationToken)
    {
        var token = VaultedCard.TokenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var expiry = CardExpiry.Parse(card.Expiry) ?? throw new ArgumentException("The card's expiry is malformed.", nameof(card));
        var entry = new VaultEntry(token, await cipher.EncryptAsync(Encoding.ASCII.GetBytes(card.Number), token, cancellationToken),
            CheckoutRules.Last4(card.Number), BrandOf(card.Number), expiry.ToString(), time.GetUtcNow());
        // First-write with no ETag: a vaulted card is never overwritten (a token collision would fail, not replace a card).
        if (!await dapr.TrySaveStateAsync<VaultEntry?>(Store, Key(token), entry, "", New, cancellationToken: cancellationToken))
            throw new InvalidOperationException("A new card token collided with a vaulted card.");
        return entry.ToVaultedCard();
    }

    public Task<VaultEntry?> FindAsync(string token, CancellationToken cancellationToken) =>
        dapr.GetStateAsync<VaultEntry?>(Store, Key(token), ConsistencyMode.Strong, cancellationToken: cancellationToken);

    /// <summary>
    /// The number back, for the provider call only; null when the token is unknown or its entry cannot be decrypted
    /// (another token's ciphertext, a key that is gone): either way there is no card to charge.
    /// </summary>
    public async Task<(VaultEntry Entry, ProviderCard Card)?> OpenAsync(string token, CancellationToken cancellationToken)
    {
        if (!VaultedCard.IsToken(token))
            return null;
        var (entry, etag) = await dapr.GetStateAndETagAsync<VaultEntry?>(Store, Key(token), ConsistencyMode.Strong, cancellationToken: cancellationToken);
        if (entry is null || entry.Token != token)
            return null;
        if (previous is not null && !entry.NumberCiphertext.StartsWith(KeysCiphertextPrefix, StringComparison.Ordinal))
            return await OpenPreviousAsync(entry, etag, previous, cancellationToken);
        return await cipher.DecryptAsync(entry.NumberCiphertext, token, cancellationToken) is { } number
            ? (entry, new ProviderCard(Encoding.ASCII.GetString(number), entry.Expiry))
            : null;
    }

    /// <summary>
    /// An entry sealed by data protection: opened with it, and rewritten under the keys app (ETag-guarded: if the entry
    /// changed since it was read, another open migrated it and this one leaves it). The card opens either way.
    /// </summary>
    private async Task<(VaultEntry Entry, ProviderCard Card)?> OpenPreviousAsync(VaultEntry entry, string etag, DataProtectionCardCipher dataProtection, CancellationToken cancellationToken)
    {
        if (await dataProtection.DecryptAsync(entry.NumberCiphertext, entry.Token, cancellationToken) is not { } number)
            return null;
        var migrated = entry with { NumberCiphertext = await cipher.EncryptAsync(number, entry.Token, cancellationToken) };
        var saved = await dapr.TrySaveStateAsync<VaultEntry?>(Store, Key(entry.Token), migrated, etag,
            new StateOptions { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong }, cancellationToken: cancellationToken);
        if (saved)
            LogMigrated(_logger, CheckoutRules.Last4(Encoding.ASCII.GetString(number)));
        return (saved ? migrated : entry, new ProviderCard(Encoding.ASCII.GetString(number), entry.Expiry));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Card vault: a card (…{Last4}) sealed by data protection is now under the keys app")]
    private static partial void LogMigrated(ILogger logger, string last4);

    /// <summary>The scheme by its leading digits, as the card networks assign them (enough to show; never a rule).</summary>
    public static string BrandOf(string number) => number switch
    {
        ['4', ..] => "visa",
        ['3', '4' or '7', ..] => "amex",
        ['5', >= '1' and <= '5', ..] => "mastercard",
        ['2', ..] when int.Parse(number[..4], System.Globalization.CultureInfo.InvariantCulture) is >= 2221 and <= 2720 => "mastercard",
        ['6', '0', '1', '1', ..] or ['6', '5', ..] => "discover",
        _ => "unknown",
    };
}
