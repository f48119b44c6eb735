using ShopDapr.Contracts.Payment;

namespace ShopDapr.Payment.Domain;

/// <summary>What a charge request must hold: 400 when it is malformed, 422 when a value breaks a rule.</summary>
public static class ChargeRules
{
    public const decimal MaxAmount = 1_000_000m;

    public sealed record Problem(int Status, IReadOnlyDictionary<string, string[]> Errors);

    public static Problem? Check(ChargeRequest? request)
    {
        if (request is null)
            return Malformed("body", "A charge request is required.");
        if (request.OrderId == Guid.Empty)
            return Malformed("orderId", "An order id is required.");
        if (!VaultedCard.IsToken(request.CardToken))
            return Malformed("cardToken", $"A card token ('{VaultedCard.TokenPrefix}' and 32 lower-case hex digits, from the card vault) is required.");
        if (request.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
            return Broken("currency", "The currency is a three-letter ISO 4217 code in capitals (EUR, USD).");
        if (request.Amount is <= 0 or > MaxAmount)
            return Broken("amount", $"The amount must be more than 0 and at most {MaxAmount}.");
        if (decimal.Round(request.Amount, 2) != request.Amount)
            return Broken("amount", "The amount has at most two decimal places.");
        return null;
    }

    private static Problem Malformed(string field, string message) => new(400, new Dictionary<string, string[]> { [field] = [message] });

    private static Problem Broken(string field, string message) => new(422, new Dictionary<string, string[]> { [field] = [message] });
}
