using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ShopDapr.Contracts.Keys;
using ShopDapr.Payment.Domain;

namespace ShopDapr.Payment.Infrastructure;

/// <summary>
/// <see cref="ICardCipher"/> through the <c>keys</c> app over service invocation: AES-256-GCM under
/// <see cref="PaymentOptions.CardKeyName"/>, the card's token as associated data. The vault stores keys' ciphertext
/// (<c>shopdapr:v{version}:…</c>) and no key material; a rotation of the key leaves old cards readable.
/// </summary>
public sealed class KeysCardCipher(HttpClient keys, IOptions<PaymentOptions> options) : ICardCipher
{
    private string KeyName => options.Value.CardKeyName;

    public async Task<string> EncryptAsync(byte[] plaintext, string associatedData, CancellationToken cancellationToken)
    {
        var request = new EncryptRequest(Convert.ToBase64String(plaintext), Bound(associatedData));
        using var response = await SendAsync(() => keys.PostAsJsonAsync(KeysRoutes.Operation(KeyName, "encrypt"), request, cancellationToken));
        return response.StatusCode == HttpStatusCode.OK
            ? (await ReadAsync<EncryptResponse>(response, cancellationToken)).Ciphertext
            : throw Unavailable(response);
    }

    public async Task<byte[]?> DecryptAsync(string ciphertext, string associatedData, CancellationToken cancellationToken)
    {
        var request = new DecryptRequest(ciphertext, Bound(associatedData));
        using var response = await SendAsync(() => keys.PostAsJsonAsync(KeysRoutes.Operation(KeyName, "decrypt"), request, cancellationToken));
        return response.StatusCode switch
        {
            HttpStatusCode.OK => Convert.FromBase64String((await ReadAsync<DecryptResponse>(response, cancellationToken)).Plaintext),
            // Not this token's ciphertext (or tampered, or under a retired version; 400: not a ciphertext of keys at all).
            HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest => null,
            _ => throw Unavailable(response),
        };
    }

    private static string Bound(string associatedData) => Convert.ToBase64String(Encoding.UTF8.GetBytes(associatedData));

    private static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new CardCipherUnavailableException("The keys app could not be reached.", e);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken) ?? throw new CardCipherUnavailableException("The keys app answered an empty body.");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new CardCipherUnavailableException("The keys app answered a body that is not its contract.", e);
        }
    }

    private CardCipherUnavailableException Unavailable(HttpResponseMessage response) =>
        new($"The keys app answered {(int)response.StatusCode} for key '{KeyName}'.");
}
