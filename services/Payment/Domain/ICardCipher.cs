namespace ShopDapr.Payment.Domain;

/// <summary>
/// Encrypts a vaulted card's number. The associated data (the card's token) is bound into the ciphertext: a ciphertext
/// copied under another token does not decrypt. By default the key is <c>payment-cards</c> of the <c>keys</c> app
/// (<see cref="Infrastructure.KeysCardCipher"/>), whose material never leaves it; a data-protection key of this app
/// (<see cref="Infrastructure.DataProtectionCardCipher"/>) remains for a run without keys.
/// </summary>
public interface ICardCipher
{
    Task<string> EncryptAsync(byte[] plaintext, string associatedData, CancellationToken cancellationToken);

    /// <summary>
    /// The plaintext; null when the ciphertext was not made for <paramref name="associatedData"/> (or is not one of this
    /// cipher's). Throws <see cref="CardCipherUnavailableException"/> when the key cannot be used now.
    /// </summary>
    Task<byte[]?> DecryptAsync(string ciphertext, string associatedData, CancellationToken cancellationToken);
}

/// <summary>The card key cannot be used now (keys unreachable, the key missing or disabled): 503, retry.</summary>
public sealed class CardCipherUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
