using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;

namespace ShopDapr.Cart.Infrastructure;

/// <summary>payment's answer to a card handed to its vault: vaulted, or refused (the card is malformed) with payment's errors.</summary>
public abstract record VaultAnswer
{
    public sealed record Vaulted(VaultedCard Card) : VaultAnswer;
    public sealed record Refused(IDictionary<string, string[]> Errors) : VaultAnswer;
}

/// <summary>
/// Hands the checkout's card to payment's vault (<see cref="PaymentRoutes.Cards"/>) through the Dapr sidecar: the one call
/// that carries a card number or a CVC out of cart. Not idempotent (each call vaults the card under a new token), which
/// is harmless: a token nobody uses charges nothing.
/// </summary>
public sealed class CardVaultClient(HttpClient http)
{
    /// <summary>A 400 from payment is a refusal; any other failure throws <see cref="CardVaultUnavailableException"/>.</summary>
    public async Task<VaultAnswer> VaultAsync(CardDetails card, CancellationToken cancellationToken)
    {
        using var response = await CalleeCall.SendAsync(() => http.PostAsJsonAsync(PaymentRoutes.Cards, card, cancellationToken), Callee, Unavailable);
        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
        {
            var vaulted = await CalleeCall.ReadAsync<VaultedCard>(response, Callee, Unavailable, cancellationToken);
            return VaultedCard.IsToken(vaulted.Token)
                ? new VaultAnswer.Vaulted(vaulted)
                : throw new CardVaultUnavailableException($"{Callee} answered without a token.", null);
        }
        // Cart checked the card with the same rules first, so a 400 is rare (rules changed on one side): still the card's fault.
        if (response.StatusCode == HttpStatusCode.BadRequest && await ErrorsAsync(response, cancellationToken) is { } errors)
            return new VaultAnswer.Refused(errors);
        throw new CardVaultUnavailableException($"{Callee} answered {(int)response.StatusCode}.", null);
    }

    private const string Callee = "Payment's card vault";

    private static CardVaultUnavailableException Unavailable(string message, Exception? inner) => new(message, inner);

    private static async Task<IDictionary<string, string[]>?> ErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(cancellationToken);
            return problem?.Errors is { Count: > 0 } errors ? errors : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The vault could not take the card (payment down, its sidecar failing): the checkout is a 503, nothing written.</summary>
public sealed class CardVaultUnavailableException(string message, Exception? inner) : Exception(message, inner);
