using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// Reads a key as dapr/kit's crypto.ParseKey does: a JWK (JSON), PEM (PKCS#1, PKCS#8, SEC 1, PKIX, a certificate's
/// public key) or a raw symmetric key (base64, base64url, or the bytes themselves). Without a content type it guesses:
/// JSON when it starts with '{' (unless it is 16, 24 or 32 bytes long, a plausible raw key), PEM when it starts with "-----".
/// </summary>
internal static class KeyParser
{
    public const string Json = "application/json";
    public const string Pem = "application/x-pem-file";

    /// <exception cref="KeyException">The data is not a key.</exception>
    public static CryptoKey Parse(byte[] raw, string? contentType = null)
    {
        if (raw.Length == 0)
            throw new KeyException("key is empty");
        return contentType switch
        {
            Json => ParseJwk(raw),
            Pem => ParsePem(raw),
            _ when raw[0] == '{' && raw.Length is not (16 or 24 or 32) => ParseJwk(raw),
            _ when raw.Length > 10 && raw.AsSpan(0, 5).SequenceEqual("-----"u8) => ParsePem(raw),
            _ => ParseSymmetric(raw),
        };
    }

    public static CryptoKey ParseJwk(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return ParseJwk(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new KeyException($"failed to parse JWK: {e.Message}", e);
        }
    }

    public static CryptoKey ParseJwk(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
            throw new KeyException("failed to parse JWK: not a JSON object");
        try
        {
            var kty = String(jwk, "kty") ?? throw new KeyException("failed to parse JWK: missing \"kty\"");
            var key = kty switch
            {
                "oct" => new CryptoKey(KeyType.Oct) { Symmetric = Bytes(jwk, "k") ?? throw Missing("k") },
                "RSA" => RsaJwk(jwk),
                "EC" => CurveJwk(jwk, KeyType.Ec, "y"),
                "OKP" => CurveJwk(jwk, KeyType.Okp, null),
                _ => throw new KeyException($"failed to parse JWK: unsupported key type \"{kty}\""),
            };
            return key with
            {
                Use = String(jwk, "use"),
                Algorithm = String(jwk, "alg"),
                KeyId = String(jwk, "kid"),
                KeyOps = jwk.TryGetProperty("key_ops", out var ops) && ops.ValueKind == JsonValueKind.Array
                    ? [.. ops.EnumerateArray().Select(o => o.GetString() ?? "")]
                    : [],
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or CryptographicException)
        {
            throw new KeyException($"failed to parse JWK: {e.Message}", e);
        }
    }

    private static CryptoKey RsaJwk(JsonElement jwk)
    {
        var n = Bytes(jwk, "n") ?? throw Missing("n");
        var e = Bytes(jwk, "e") ?? throw Missing("e");
        var d = Bytes(jwk, "d");
        var parameters = new RSAParameters { Modulus = n, Exponent = e };
        if (d is not null)
        {
            // .NET wants the private numbers at their full widths; a JWK strips leading zero bytes.
            var half = (n.Length + 1) / 2;
            parameters.D = Pad(d, n.Length);
            parameters.P = Pad(Bytes(jwk, "p") ?? throw Missing("p"), half);
            parameters.Q = Pad(Bytes(jwk, "q") ?? throw Missing("q"), half);
            parameters.DP = Pad(Bytes(jwk, "dp") ?? throw Missing("dp"), half);
            parameters.DQ = Pad(Bytes(jwk, "dq") ?? throw Missing("dq"), half);
            parameters.InverseQ = Pad(Bytes(jwk, "qi") ?? throw Missing("qi"), half);
        }
        using var rsa = RSA.Create();
        rsa.ImportParameters(parameters); // rejects numbers that do not make a key
        return new CryptoKey(KeyType.Rsa) { Rsa = parameters, IsPrivate = d is not null };
    }

    private static CryptoKey CurveJwk(JsonElement jwk, KeyType type, string? y)
    {
        if (String(jwk, "crv") is null)
            throw Missing("crv");
        if (Bytes(jwk, "x") is null)
            throw Missing("x");
        if (y is not null && Bytes(jwk, y) is null)
            throw Missing(y);
        return new CryptoKey(type) { IsPrivate = Bytes(jwk, "d") is not null };
    }

    public static CryptoKey ParsePem(byte[] raw)
    {
        var text = Encoding.ASCII.GetString(raw);
        if (!PemEncoding.TryFind(text, out var fields))
            throw new KeyException("failed to parse PEM: no PEM block found");
        var label = text[fields.Label];
        try
        {
            switch (label)
            {
                case "CERTIFICATE":
                    using (var cert = X509Certificate2.CreateFromPem(text))
                    {
                        if (cert.GetRSAPublicKey() is { } certRsa)
                        {
                            using (certRsa)
                                return new CryptoKey(KeyType.Rsa) { Rsa = certRsa.ExportParameters(false) };
                        }
                        if (cert.GetECDsaPublicKey() is { } certEc)
                        {
                            certEc.Dispose();
                            return new CryptoKey(KeyType.Ec);
                        }
                        throw new KeyException("failed to parse PEM: unsupported certificate key");
                    }
                case "RSA PRIVATE KEY" or "RSA PUBLIC KEY":
                    return RsaPem(text, label);
                case "EC PRIVATE KEY":
                    return EcPem(text, label);
                case "PRIVATE KEY" or "PUBLIC KEY":
                    var der = Convert.FromBase64String(text[fields.Base64Data]);
                    if (IsEdwardsOrMontgomery(der))
                        return new CryptoKey(KeyType.Okp) { IsPrivate = label == "PRIVATE KEY" };
                    try
                    {
                        return RsaPem(text, label);
                    }
                    catch (CryptographicException)
                    {
                        return EcPem(text, label);
                    }
                default:
                    throw new KeyException($"failed to parse PEM: unsupported block type \"{label}\"");
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            throw new KeyException($"failed to parse PEM: {e.Message}", e);
        }
    }

    private static CryptoKey RsaPem(string text, string label)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(text);
        var isPrivate = label.Contains("PRIVATE", StringComparison.Ordinal);
        return new CryptoKey(KeyType.Rsa) { Rsa = rsa.ExportParameters(isPrivate), IsPrivate = isPrivate };
    }

    private static CryptoKey EcPem(string text, string label)
    {
        using var ec = ECDsa.Create();
        ec.ImportFromPem(text);
        return new CryptoKey(KeyType.Ec) { IsPrivate = label.Contains("PRIVATE", StringComparison.Ordinal) };
    }

    // The algorithm identifiers of Ed25519, Ed448, X25519 and X448 (1.3.101.110–113), which .NET cannot import.
    private static ReadOnlySpan<byte> EdwardsOidPrefix => [0x06, 0x03, 0x2B, 0x65];

    private static bool IsEdwardsOrMontgomery(byte[] der) =>
        der.AsSpan().IndexOf(EdwardsOidPrefix) is var at and >= 0 && at + 4 < der.Length && der[at + 4] is >= 0x6E and <= 0x71;

    /// <summary>Base64 (padded or not), then base64url, else the bytes as they are.</summary>
    public static CryptoKey ParseSymmetric(byte[] raw)
    {
        var text = Encoding.Latin1.GetString(raw).TrimEnd('\n', '=').Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        var bytes = TryBase64(text, urlSafe: false) ?? TryBase64(text, urlSafe: true) ?? raw;
        return new CryptoKey(KeyType.Oct) { Symmetric = bytes };
    }

    private static byte[]? TryBase64(string text, bool urlSafe)
    {
        if (text.Length == 0 || text.Length % 4 == 1)
            return null;
        foreach (var c in text)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || (urlSafe ? c is '-' or '_' : c is '+' or '/');
            if (!ok)
                return null;
        }
        var standard = urlSafe ? text.Replace('-', '+').Replace('_', '/') : text;
        return Convert.FromBase64String(standard + new string('=', (4 - standard.Length % 4) % 4));
    }

    private static string? String(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static byte[]? Bytes(JsonElement jwk, string name) =>
        String(jwk, name) is { } s ? Base64Url.DecodeFromChars(s.TrimEnd('=')) : null;

    private static byte[] Pad(byte[] value, int length) =>
        value.Length >= length ? value : [.. new byte[length - value.Length], .. value];

    private static KeyException Missing(string field) => new($"failed to parse JWK: missing \"{field}\"");
}
