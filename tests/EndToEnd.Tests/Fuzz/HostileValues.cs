using System.Text;

namespace ShopDapr.EndToEnd.Tests.Fuzz;

/// <summary>The raw material of hostile requests: values, bodies, tokens and path segments a careless or hostile client sends.</summary>
public static class HostileValues
{
    /// <summary>JSON string literals (already quoted and escaped) that are valid JSON but odd text.</summary>
    public static readonly string[] OddStrings =
    [
        "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u202eevil\\u202c\"",
        "\"\\u200b\\u200b\"", "\"e\\u0301\\u0301\\u0301\\u0301\"", "\"\\ud83d\\ude00\\ud83d\\ude00\"", "\"\\ufeff\"", "\"\\uffff\"",
        "\"' OR 1=1 --\"", "\"<script>alert(1)</script>\"", "\"../../etc/passwd\"", "\"${jndi:ldap://x}\"", "\"%00\"",
        "\"\\r\\nX-Injected: 1\"", "\"null\"", "\"NaN\"", "\"-0\"", "\"1e999\"", "\"\\\\\"",
    ];

    /// <summary>JSON literals of every other kind, for a field of the wrong type.</summary>
    public static string[] WrongTypeFor(FieldKind kind) => kind switch
    {
        FieldKind.String => ["12", "true", "[]", "{}", "[\"a\"]", "1.5e300"],
        FieldKind.Integer => ["\"2\"", "2.5", "true", "[]", "{}", "\"\"", "1e400", "99999999999999999999", "-99999999999999999999"],
        FieldKind.Decimal => ["\"19.99\"", "true", "[]", "{}", "1e400", "\"NaN\""],
        FieldKind.Bool => ["\"true\"", "1", "0", "[]", "{}", "\"yes\""],
        FieldKind.Guid => ["\"not-a-guid\"", "42", "true", "[]", "{}", "\"\"", "\"00000000-0000-0000-0000-00000000000g\""],
        FieldKind.Object => ["\"x\"", "1", "true", "[]", "[{}]"],
        _ => ["[]"],
    };

    /// <summary>Numbers of the right JSON type that the shop's rules refuse (a cart line holds 1 to 99, stock 0 to 1,000,000, a price is positive).</summary>
    public static string[] OutOfRange(string field) => field switch
    {
        "quantity" => ["-1", "0", "100", "-2147483648", "2147483647"],
        "onHand" => ["-1", "1000001", "-2147483648", "2147483647"],
        "price" => ["-1", "-0.01", "0"],
        _ => [],
    };

    /// <summary>Bodies that are not the JSON the route reads: malformed, empty, the wrong shape, or built to exhaust a parser.</summary>
    public static readonly Func<Random, string>[] MalformedBodies =
    [
        _ => "",
        _ => "{",
        _ => "{\"a\":1,}",
        _ => "{'a': 1}",
        _ => "{\"a\": NaN}",
        _ => "null",
        _ => "[]",
        _ => "\"just a string\"",
        _ => "42",
        _ => "{\"a\":1}{\"b\":2}",
        _ => "\ufeff\ufeff{}",
        _ => "{\"a\":\"unterminated}",
        _ => "{\"a\":1, \"a\":2, \"a\":3}",
        _ => new string('[', 5000) + new string(']', 5000),
        _ => string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3000),
        r => "[" + string.Join(',', Enumerable.Range(0, 20000).Select(i => (r.Next() % 10).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]",
        r => "{\"k\":\"" + new string((char)('a' + r.Next(26)), 300_000) + "\"}",
        _ => "{\"a\":\"\\uZZZZ\"}",
        _ => "{\"a\":1e99999}",
    ];

    /// <summary>Raw bytes that are not UTF-8, sent as a JSON body.</summary>
    public static readonly byte[][] NotUtf8 =
    [
        [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D],  // overlong '/'
        [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D],  // encoded surrogate
        [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00],  // UTF-16 with a BOM
        [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22, 0x7D],  // 5-byte sequence
    ];

    public static readonly string[] WrongContentTypes =
    [
        "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
        "application/json; charset=utf-16", "application/json; charset=\"nonsense\"", "*/*", "application/", "json",
    ];

    /// <summary>Path segments (already percent-encoded where needed) in place of an id.</summary>
    public static readonly Func<Random, string>[] BadSegments =
    [
        _ => "not-a-guid",
        _ => "00000000-0000-0000-0000-000000000000",
        _ => "%00",
        _ => "%2e%2e%2f%2e%2e%2fv1.0%2fstate%2fstatestore",
        _ => "..%2F..%2F..%2Fetc%2Fpasswd",
        _ => "%C0%AF",
        _ => "%E2%80%AE",
        _ => "%F0%9F%98%80",
        _ => "%ZZ",
        _ => "%20",
        r => new string('A', 300 + r.Next(3000)),
        r => new string('9', 20_000 + r.Next(10_000)),
        _ => "'%20OR%201=1",
        _ => "%3Cscript%3E",
    ];

    /// <summary>Query values for paging, prices, sorting and search.</summary>
    public static readonly Func<Random, string>[] BadQueryValues =
    [
        _ => "-1", _ => "0", _ => "2147483648", _ => "99999999999999999999", _ => "1e10", _ => "NaN", _ => "abc", _ => "",
        _ => "%00", _ => "%FF", _ => "%E2%80%AE", _ => "%F0%9F%98%80%CC%81", _ => "%27%3B--", _ => "*", _ => "%22%22",
        _ => "(", _ => "title:\\*", _ => "a~999", _ => "\\", _ => "[a%20TO%20z]", _ => "%2B%2B%2B",
        r => new string('x', 1000 + r.Next(5000)),
        r => string.Concat(Enumerable.Repeat("a%20OR%20", 200 + r.Next(500))) + "b",
    ];

    /// <summary>Header noise that must not matter, or must be answered with a 4xx.</summary>
    public static readonly Func<Random, (string Name, string Value)>[] OddHeaders =
    [
        _ => ("X-Forwarded-For", "1.2.3.4, 5.6.7.8"),
        _ => ("X-Forwarded-For", "not-an-ip"),
        _ => ("X-Forwarded-Host", "evil.example"),
        _ => ("Accept", "application/xml"),
        _ => ("Accept", "*/*;q=abc"),
        _ => ("Accept-Encoding", "gzip;q=2, br, zstd, nonsense"),
        _ => ("Accept-Language", "xx-YY;q=0.9, *;q=-1"),
        _ => ("dapr-api-token", "guessed-token"),
        _ => ("dapr-app-id", "payment"),
        _ => ("traceparent", "00-zzzz-yyyy-01"),
        _ => ("If-None-Match", "\"*\""),
        _ => ("Range", "bytes=0-999999999999"),
        _ => ("Cookie", string.Join("; ", Enumerable.Range(0, 200).Select(i => $"c{i}=v{i}"))),
        r => ("X-Long", new string('h', 4000 + r.Next(4000))),
        _ => ("Idempotency-Key", new string('k', 5000)),
        _ => ("Content-Language", "x-\\u00e9"),
    ];

    /// <summary>Tokens built from a real one that no validator may accept.</summary>
    public static string[] ForgedTokens(string realToken)
    {
        var parts = realToken.Split('.');
        var header = parts[0];
        var payload = parts.Length > 1 ? parts[1] : "";
        var signature = parts.Length > 2 ? parts[2] : "";
        // The claims changed (role raised, one claim added, so the payload differs for an admin's token too) under the original signature.
        var adminPayload = Base64Url(Encoding.UTF8.GetString(FromBase64Url(payload))
            .Replace("\"customer\"", "\"admin\"", StringComparison.Ordinal).Insert(1, "\"forged\":true,"));
        var noneHeader = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var hsHeader = Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        var unknownKid = Base64Url("{\"alg\":\"ES256\",\"kid\":\"forged-kid\",\"typ\":\"JWT\"}");
        var expired = Base64Url("{\"sub\":\"x\",\"role\":\"admin\",\"exp\":1,\"iss\":\"shopdapr-identity\"}");
        return
        [
            $"{header}.{adminPayload}.{signature}",  // role raised, signature of the original
            $"{noneHeader}.{adminPayload}.",
            $"{hsHeader}.{adminPayload}.{Base64Url("secret")}",
            $"{unknownKid}.{adminPayload}.{signature}",
            $"{header}.{expired}.{signature}",
            $"{header}.{payload}.{signature[..Math.Max(0, signature.Length - 4)]}AAAA",
            $"{header}.{payload}",
            "e30.e30.e30",
            "not-a-jwt",
            new string('a', 20_000),
            $"{header}..{signature}",
            $"{header}.{payload}.{signature}.{signature}",
        ];
    }

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var b64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '='));
    }
}
