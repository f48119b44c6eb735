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

    /// <summary>What travels on from checkout: the token and the last four digits.</summary>
    public CardOnFile ToCardOnFile() => new(Token, Last4);
}

/// <summary>
/// The card of an order as everything after checkout holds it (the order request, the workflow input, its activities):
/// payment's vault <see cref="Token"/> to charge it by and the <see cref="Last4"/> digits to show. A vaulted card never
/// comes back out of payment.
/// </summary>
public sealed record CardOnFile(string Token, string Last4)
{
    /// <summary>Adds field → problem to <paramref name="errors"/> when the card is malformed (paths under <paramref name="path"/>).</summary>
    public static void Check(CardOnFile? card, IDictionary<string, string[]> errors, string path = "card")
    {
        if (card is null)
        {
            errors[path] = ["A vaulted card (token and last four digits) is required."];
            return;
        }
        if (!VaultedCard.IsToken(card.Token))
            errors[$"{path}.token"] = [$"The card token is '{VaultedCard.TokenPrefix}' and 32 lower-case hex digits, as payment's vault hands them out."];
        if (card.Last4 is not { Length: 4 } last4 || !last4.All(char.IsAsciiDigit))
            errors[$"{path}.last4"] = ["The last four digits of the card are required."];
    }
}
