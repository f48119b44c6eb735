using System.Globalization;
using System.Text.Json;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// The second header line of a <c>dapr.io/enc/v1</c> document, compact JSON:
/// <c>{"k": key name (optional), "kw": wrap algorithm id, "wfk": wrapped file key (base64), "cph": cipher id, "np": nonce prefix (base64)}</c>.
/// </summary>
internal sealed record Manifest(string? KeyName, KeyWrapAlgorithm Algorithm, byte[] WrappedKey, DataCipher Cipher, byte[] NoncePrefix)
{
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (!string.IsNullOrEmpty(KeyName))
                json.WriteString("k", KeyName);
            json.WriteNumber("kw", Algorithm.Id);
            json.WriteBase64String("wfk", WrappedKey);
            json.WriteNumber("cph", Cipher.Id);
            json.WriteBase64String("np", NoncePrefix);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The manifest, or null when it is not one (daprd answers every such case with the same "invalid manifest", so as
    /// not to say more about the document than that). Field names match case-insensitively, as Go's JSON decoder does.
    /// </summary>
    public static Manifest? Parse(ReadOnlySpan<byte> text)
    {
        try
        {
            var reader = new Utf8JsonReader(text);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return null;
            string? keyName = null;
            int? algorithm = null, cipher = null;
            byte[]? wrappedKey = null, noncePrefix = null;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                switch (p.Name.ToLowerInvariant())
                {
                    case "k": keyName = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString(); break;
                    case "kw": algorithm = Id(p.Value); break;
                    case "wfk": wrappedKey = Bytes(p.Value); break;
                    case "cph": cipher = Id(p.Value); break;
                    case "np": noncePrefix = Bytes(p.Value); break;
                }
            }
            var kw = algorithm is { } a ? KeyWrapAlgorithm.FromId(a) : null;
            var cph = cipher is { } c ? DataCipher.FromId(c) : null;
            if (kw is null || cph is null || wrappedKey is not { Length: > 0 } || noncePrefix is not { Length: FileKey.NoncePrefixSize })
                return null;
            return new Manifest(keyName, kw, wrappedKey, cph, noncePrefix);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    // Go reads the id with strconv.Atoi on the raw token: a whole number, nothing else.
    private static int? Id(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && int.TryParse(value.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static byte[]? Bytes(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        _ => value.GetBytesFromBase64(),
    };
}
