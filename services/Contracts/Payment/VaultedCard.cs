namespace ShopDapr.Contracts.Payment;

/// <summary>
/// A card as the rest of the shop knows it once payment has vaulted it (<see cref="PaymentRoutes.Cards"/>): a token to
/// charge it by, and what may be shown — the last four digits, the brand and the expiry. Never the number, never the CVC.
/// </summary>
public sealed record VaultedCard(string Token, string Last4, string Brand, string Expiry)
{
    public const string TokenPrefix = "card_";

    /// <summary>A token as payment writes them: <c>card_</c> and 32 lower-case hex digits.</summary>
    public static bool IsToken(string? token) =>
        token is { Length: 37 } && token.StartsWith(TokenPrefix, StringComparison.Ordinal)
        && token.AsSpan(TokenPrefix.Length).ToString().All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
