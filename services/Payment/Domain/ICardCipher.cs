namespace ShopDapr.Payment.Domain;

/// <summary>
/// Encrypts a vaulted card's number. The associated data (the card's token) is bound into the ciphertext: a ciphertext
/// copied under another token does not decrypt. A seam: today a data-protection key of this app
/// (<see cref="Infrastructure.DataProtectionCardCipher"/>), later a key held by the <c>keys</c> app, whose material
/// never leaves it.
/// </summary>
public interface ICardCipher
{
    byte[] Encrypt(byte[] plaintext, string associatedData);

    /// <summary>Throws <see cref="System.Security.Cryptography.CryptographicException"/> when the ciphertext was not made for <paramref name="associatedData"/>.</summary>
    byte[] Decrypt(byte[] ciphertext, string associatedData);
}
