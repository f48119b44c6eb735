using System.Security.Cryptography;
using System.Text;
using ShopDapr.Keys.Domain;

namespace ShopDapr.Keys.Tests;

public sealed class KeyOperationsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("4242 4242 4242 4242");

    private static ManagedKey NewKey(KeyType type, string name = "orders") => ManagedKey.Create(name, type, null, KeyMaterial.Generate(type), Now);

    private static ManagedKey Rotated(ManagedKey key) => key.Rotate(KeyMaterial.Generate(key.Type), Now.AddDays(1));

    [Fact]
    public void Encrypt_then_decrypt_round_trips_and_the_output_names_its_version()
    {
        var key = NewKey(KeyType.Aes256Gcm);
        var (ciphertext, version) = KeyOperations.Encrypt(key, Secret, "card-token-1"u8);
        Assert.StartsWith("shopdapr:v1:", ciphertext);
        Assert.Equal(1, version);
        Assert.DoesNotContain(Convert.ToBase64String(Secret), ciphertext);
        Assert.Equal(Secret, KeyOperations.Decrypt(key, ciphertext, "card-token-1"u8).Plaintext);
    }

    [Fact]
    public void Two_encryptions_of_one_plaintext_differ() =>
        Assert.NotEqual(KeyOperations.Encrypt(NewKey(KeyType.Aes256Gcm), Secret, default).Ciphertext,
            KeyOperations.Encrypt(NewKey(KeyType.Aes256Gcm), Secret, default).Ciphertext);

    [Fact]
    public void Old_ciphertexts_decrypt_after_a_rotation_until_their_version_is_retired()
    {
        var key = NewKey(KeyType.Aes256Gcm);
        var (old, _) = KeyOperations.Encrypt(key, Secret, default);
        key = Rotated(key);
        Assert.StartsWith("shopdapr:v2:", KeyOperations.Encrypt(key, Secret, default).Ciphertext);
        Assert.Equal(Secret, KeyOperations.Decrypt(key, old, default).Plaintext);

        var retired = key.Configure(2, null);
        Assert.Equal(KeyError.Unusable, Assert.Throws<KeyRuleException>(() => KeyOperations.Decrypt(retired, old, default)).Error);
    }

    [Fact]
    public void Rewrap_moves_a_ciphertext_to_the_latest_version_with_the_same_plaintext()
    {
        var key = NewKey(KeyType.Aes256Gcm);
        var (old, _) = KeyOperations.Encrypt(key, Secret, "ad"u8);
        key = Rotated(key);
        var (rewrapped, version) = KeyOperations.Rewrap(key, old, "ad"u8);
        Assert.Equal(2, version);
        Assert.Equal(Secret, KeyOperations.Decrypt(key.Configure(2, null), rewrapped, "ad"u8).Plaintext);
    }

    public static TheoryData<string> Tamperings => new() { "flip", "truncate", "version", "other-ad" };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void A_tampered_ciphertext_is_unusable_never_a_plaintext(string how)
    {
        var key = Rotated(NewKey(KeyType.Aes256Gcm));
        var (ciphertext, _) = KeyOperations.Encrypt(key, Secret, "ad"u8);
        var bytes = Convert.FromBase64String(ciphertext["shopdapr:v2:".Length..]);
        var (text, ad) = how switch
        {
            "flip" => ("shopdapr:v2:" + Convert.ToBase64String(Flip(bytes, 20)), "ad"),
            "truncate" => ("shopdapr:v2:" + Convert.ToBase64String(bytes[..20]), "ad"),
            "version" => ("shopdapr:v1:" + Convert.ToBase64String(bytes), "ad"),
            _ => (ciphertext, "other"),
        };
        var refused = Assert.Throws<KeyRuleException>(() => KeyOperations.Decrypt(key, text, Encoding.UTF8.GetBytes(ad)));
        Assert.Equal(KeyError.Unusable, refused.Error);
        Assert.DoesNotContain(Encoding.UTF8.GetString(Secret), refused.Message);
    }

    [Fact]
    public void Another_keys_ciphertext_is_unusable_even_with_the_same_material()
    {
        var material = KeyMaterial.Generate(KeyType.Aes256Gcm);
        var mine = ManagedKey.Create("mine", KeyType.Aes256Gcm, null, material, Now);
        var theirs = ManagedKey.Create("theirs", KeyType.Aes256Gcm, null, material, Now);
        var (ciphertext, _) = KeyOperations.Encrypt(theirs, Secret, default);
        Assert.Equal(KeyError.Unusable, Assert.Throws<KeyRuleException>(() => KeyOperations.Decrypt(mine, ciphertext, default)).Error);
    }

    [Theory]
    [InlineData("not-ours")]
    [InlineData("shopdapr:vX:AAAA")]
    [InlineData("shopdapr:v0:AAAA")]
    [InlineData("shopdapr:v1:***")]
    public void A_ciphertext_not_of_the_form_is_malformed(string text) =>
        Assert.Equal(KeyError.Malformed, Assert.Throws<KeyRuleException>(() => KeyOperations.Decrypt(NewKey(KeyType.Aes256Gcm), text, default)).Error);

    [Fact]
    public void A_version_that_never_existed_is_unusable() =>
        Assert.Equal(KeyError.Unusable, Assert.Throws<KeyRuleException>(() => KeyOperations.Decrypt(NewKey(KeyType.Aes256Gcm), "shopdapr:v9:" + Convert.ToBase64String(new byte[40]), default)).Error);

    [Fact]
    public void Data_keys_are_fresh_aes256_keys_that_decrypt_from_their_wrapped_form()
    {
        var key = NewKey(KeyType.Aes256Gcm);
        var (plaintext, ciphertext, _) = KeyOperations.DataKey(key);
        Assert.Equal(32, plaintext.Length);
        Assert.Equal(plaintext, KeyOperations.Decrypt(key, ciphertext, default).Plaintext);
        Assert.NotEqual(plaintext, KeyOperations.DataKey(key).Plaintext);
    }

    [Theory]
    [InlineData(KeyType.EcdsaP256)]
    [InlineData(KeyType.Rsa3072Pss)]
    public void Signatures_verify_across_a_rotation_and_not_after_their_version_is_retired(KeyType type)
    {
        var key = NewKey(type);
        var (signature, _) = KeyOperations.Sign(key, Secret);
        Assert.True(KeyOperations.Verify(key, Secret, signature));
        Assert.False(KeyOperations.Verify(key, "other input"u8, signature));
        key = Rotated(key);
        Assert.True(KeyOperations.Verify(key, Secret, signature));
        Assert.Equal(KeyError.Unusable, Assert.Throws<KeyRuleException>(() => KeyOperations.Verify(key.Configure(2, null), Secret, signature)).Error);
    }

    [Fact]
    public void Another_keys_signature_is_not_valid()
    {
        var (signature, _) = KeyOperations.Sign(NewKey(KeyType.EcdsaP256, "theirs"), Secret);
        Assert.False(KeyOperations.Verify(NewKey(KeyType.EcdsaP256), Secret, signature));
    }

    [Fact]
    public void Ecdsa_signatures_are_es256_verifiable_with_the_published_jwk()
    {
        var key = NewKey(KeyType.EcdsaP256);
        var (signature, _) = KeyOperations.Sign(key, Secret);
        var jwk = Assert.Single(KeyOperations.PublicKeys(key));
        Assert.Equal(("EC", "P-256", "ES256", "orders:v1"), (jwk.Kty, jwk.Crv, jwk.Alg, jwk.Kid));
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = FromBase64Url(jwk.X!), Y = FromBase64Url(jwk.Y!) },
        });
        Assert.True(ecdsa.VerifyData(Secret, Convert.FromBase64String(signature["shopdapr:v1:".Length..]), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void The_jwks_lists_live_versions_only()
    {
        var key = Rotated(Rotated(NewKey(KeyType.Rsa3072Pss)));
        Assert.Equal(["orders:v1", "orders:v2", "orders:v3"], KeyOperations.PublicKeys(key).Select(k => k.Kid));
        Assert.Equal(["orders:v2", "orders:v3"], KeyOperations.PublicKeys(key.Configure(2, null)).Select(k => k.Kid));
        Assert.All(KeyOperations.PublicKeys(key), k => Assert.Equal(("RSA", "PS256", "AQAB"), (k.Kty, k.Alg, k.E)));
    }

    [Fact]
    public void Hmacs_are_hmac_sha256_under_the_latest_version_and_verify()
    {
        var key = NewKey(KeyType.HmacSha256);
        var (hmac, version) = KeyOperations.Hmac(key, Secret);
        Assert.Equal(1, version);
        Assert.Equal(HMACSHA256.HashData(key.Latest.Material!, Secret), Convert.FromBase64String(hmac["shopdapr:v1:".Length..]));
        Assert.True(KeyOperations.Verify(key, Secret, hmac));
        Assert.False(KeyOperations.Verify(key, "x"u8, hmac));
    }

    [Theory]
    [InlineData(KeyType.EcdsaP256, "encrypt")]
    [InlineData(KeyType.HmacSha256, "sign")]
    [InlineData(KeyType.Aes256Gcm, "hmac")]
    [InlineData(KeyType.Aes256Gcm, "jwks")]
    [InlineData(KeyType.Aes256Gcm, "verify")]
    public void An_operation_the_type_does_not_serve_is_unsupported(KeyType type, string operation)
    {
        var key = NewKey(type);
        Action call = operation switch
        {
            "encrypt" => () => KeyOperations.Encrypt(key, Secret, default),
            "sign" => () => KeyOperations.Sign(key, Secret),
            "hmac" => () => KeyOperations.Hmac(key, Secret),
            "verify" => () => KeyOperations.Verify(key, Secret, "shopdapr:v1:AAAA"),
            _ => () => KeyOperations.PublicKeys(key),
        };
        Assert.Equal(KeyError.Unsupported, Assert.Throws<KeyRuleException>(call).Error);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x01;
        return copy;
    }

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }
}
