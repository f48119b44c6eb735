using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using ShopDapr.Payment.Domain;

namespace ShopDapr.Payment.Infrastructure;

/// <summary>
/// <see cref="ICardCipher"/> over ASP.NET Core data protection (authenticated encryption, AES-256-CBC + HMACSHA256 by
/// default, keys rotated every 90 days with the old ones kept for decryption). The associated data is a sub-purpose of
/// the protector, so it is bound into the key that encrypts: a ciphertext under another token's purpose fails to decrypt.
/// The key ring lives where the data-protection defaults put it for this app; used only with
/// <c>Payment:CardCipher=DataProtection</c> (the shop runs <see cref="KeysCardCipher"/>).
/// </summary>
public sealed class DataProtectionCardCipher(IDataProtectionProvider provider) : ICardCipher
{
    public const string Purpose = "ShopDapr.Payment.CardVault.v1";

    private readonly IDataProtector _vault = provider.CreateProtector(Purpose);

    public Task<string> EncryptAsync(byte[] plaintext, string associatedData, CancellationToken cancellationToken) =>
        Task.FromResult(Convert.ToBase64String(_vault.CreateProtector(associatedData).Protect(plaintext)));

    public Task<byte[]?> DecryptAsync(string ciphertext, string associatedData, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<byte[]?>(_vault.CreateProtector(associatedData).Unprotect(Convert.FromBase64String(ciphertext)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return Task.FromResult<byte[]?>(null);
        }
    }
}
