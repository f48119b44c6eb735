using Microsoft.AspNetCore.DataProtection;
using ShopDapr.Payment.Domain;

namespace ShopDapr.Payment.Infrastructure;

/// <summary>
/// <see cref="ICardCipher"/> over ASP.NET Core data protection (authenticated encryption, AES-256-CBC + HMACSHA256 by
/// default, keys rotated every 90 days with the old ones kept for decryption). The associated data is a sub-purpose of
/// the protector, so it is bound into the key that encrypts: a ciphertext under another token's purpose fails to decrypt.
/// The key ring lives where the data-protection defaults put it for this app (its user profile locally; a shared,
/// protected key store in production) until the cipher moves to the <c>keys</c> app.
/// </summary>
public sealed class DataProtectionCardCipher(IDataProtectionProvider provider) : ICardCipher
{
    public const string Purpose = "ShopDapr.Payment.CardVault.v1";

    private readonly IDataProtector _vault = provider.CreateProtector(Purpose);

    public byte[] Encrypt(byte[] plaintext, string associatedData) => _vault.CreateProtector(associatedData).Protect(plaintext);

    public byte[] Decrypt(byte[] ciphertext, string associatedData) => _vault.CreateProtector(associatedData).Unprotect(ciphertext);
}
