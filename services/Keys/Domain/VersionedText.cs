using System.Globalization;

namespace ShopDapr.Keys.Domain;

/// <summary>
/// Every output of a key (ciphertext, signature, HMAC) is <c>shopdapr:v{version}:{base64}</c>: the version that made it
/// travels with it, so an old output stays readable after a rotation until its version is retired.
/// </summary>
public static class VersionedText
{
    private const string Prefix = "shopdapr:v";

    public static string Format(int version, ReadOnlySpan<byte> bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{version}:{Convert.ToBase64String(bytes)}");

    /// <summary>The version and bytes of <paramref name="text"/>; a text not of this form is malformed (400).</summary>
    public static (int Version, byte[] Bytes) Parse(string? text, string field)
    {
        if (string.IsNullOrEmpty(text) || !text.StartsWith(Prefix, StringComparison.Ordinal))
            throw KeyRuleException.Malformed($"{field} must have the form 'shopdapr:v<version>:<base64>'.");
        var colon = text.IndexOf(':', Prefix.Length);
        if (colon < 0 || !int.TryParse(text.AsSpan(Prefix.Length, colon - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            throw KeyRuleException.Malformed($"{field} must have the form 'shopdapr:v<version>:<base64>' with a version of 1 or more.");
        return (version, Base64.Decode(text[(colon + 1)..], field));
    }
}

/// <summary>Strict base64 for every binary field of the API: anything else is a 400 naming the field.</summary>
public static class Base64
{
    public static byte[] Decode(string? text, string field)
    {
        if (text is null)
            throw KeyRuleException.Malformed($"{field} is required (base64).");
        var bytes = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, bytes, out var written)
            ? bytes[..written]
            : throw KeyRuleException.Malformed($"{field} is not valid base64.");
    }

    public static byte[]? DecodeOptional(string? text, string field) => text is null ? null : Decode(text, field);
}
