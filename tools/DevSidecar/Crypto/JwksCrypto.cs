using System.Text;
using System.Text.Json;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// <c>crypto.dapr.jwks</c>: keys from a JSON Web Key Set, looked up by <c>kid</c>. The <c>jwks</c> metadata is, as in
/// components-contrib, an http(s) URL (fetched at start-up within <c>requestTimeout</c>, 30s, and again on use once
/// <c>minRefreshInterval</c>, 10m, has passed; a failed refresh keeps the keys it had), a file (read again when it
/// changes; a relative path resolves against the sidecar's working directory), or the JSON itself, optionally base64.
/// A set that cannot be read stops start-up naming the field.
/// </summary>
internal sealed class JwksCrypto : ICryptoProvider, IDisposable
{
    private static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultMinRefreshInterval = TimeSpan.FromMinutes(10);

    private readonly Uri? _url;
    private readonly string? _file;
    private readonly HttpClient? _http;
    private readonly TimeSpan _minRefreshInterval;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile KeySet _keys;

    public JwksCrypto(ComponentContext context)
    {
        context.RejectUnknown(["jwks", "requestTimeout", "minRefreshInterval"]);
        var jwks = context.Required("jwks");
        var requestTimeout = context.Duration("requestTimeout", DefaultRequestTimeout);
        if (requestTimeout < TimeSpan.FromMilliseconds(1))
            requestTimeout = DefaultRequestTimeout;
        _minRefreshInterval = context.Duration("minRefreshInterval", DefaultMinRefreshInterval);
        if (_minRefreshInterval < TimeSpan.FromSeconds(1))
            _minRefreshInterval = DefaultMinRefreshInterval;

        if (jwks.StartsWith("https://", StringComparison.Ordinal) || jwks.StartsWith("http://", StringComparison.Ordinal))
        {
            _url = new Uri(jwks);
            _http = new HttpClient { Timeout = requestTimeout };
            try
            {
                _keys = Fetch();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or KeyException)
            {
                _http.Dispose();
                throw context.Invalid("jwks", $"failed to fetch JWKS from {_url}: {e.Message}");
            }
            return;
        }

        var file = context.FullPath(jwks);
        if (File.Exists(file))
        {
            _file = file;
            try
            {
                _keys = Load(file);
            }
            catch (KeyException e)
            {
                throw context.Invalid("jwks", $"'{file}' is not a JWKS: {e.Message}");
            }
            return;
        }

        try
        {
            _keys = new KeySet(Parse(Base64OrSelf(jwks)), DateTimeOffset.UtcNow, default);
        }
        catch (KeyException e)
        {
            throw context.Invalid("jwks", $"not a URL, path to local file, or JSON value (optionally base64-encoded): {e.Message}");
        }
    }

    public async Task<CryptoKey> GetKeyAsync(string name, CancellationToken cancellationToken)
    {
        var keys = await CurrentAsync(cancellationToken);
        return keys.Keys.FirstOrDefault(k => k.KeyId == name) ?? throw new KeyException("key not found");
    }

    public void Dispose()
    {
        _http?.Dispose();
        _refresh.Dispose();
    }

    private async Task<KeySet> CurrentAsync(CancellationToken cancellationToken)
    {
        var keys = _keys;
        var stale = _url is not null ? DateTimeOffset.UtcNow - keys.ReadAt >= _minRefreshInterval
            : _file is not null && File.GetLastWriteTimeUtc(_file) != keys.FileWrittenAt;
        if (!stale || !await _refresh.WaitAsync(0, cancellationToken))
            return keys;
        try
        {
            _keys = _url is not null ? await FetchAsync(cancellationToken) : Load(_file!);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or KeyException or IOException)
        {
            // Keep the keys we had, as the JWKS cache does when a refresh fails; try again after the interval.
            _keys = keys with { ReadAt = DateTimeOffset.UtcNow, FileWrittenAt = _file is null ? default : File.GetLastWriteTimeUtc(_file) };
        }
        finally
        {
            _refresh.Release();
        }
        return _keys;
    }

    private KeySet Fetch()
    {
        using var response = _http!.Send(new HttpRequestMessage(HttpMethod.Get, _url));
        response.EnsureSuccessStatusCode();
        using var body = response.Content.ReadAsStream();
        using var buffer = new MemoryStream();
        body.CopyTo(buffer);
        return new KeySet(Parse(buffer.ToArray()), DateTimeOffset.UtcNow, default);
    }

    private async Task<KeySet> FetchAsync(CancellationToken cancellationToken)
    {
        var body = await _http!.GetByteArrayAsync(_url, cancellationToken);
        return new KeySet(Parse(body), DateTimeOffset.UtcNow, default);
    }

    private static KeySet Load(string file)
    {
        var writtenAt = File.GetLastWriteTimeUtc(file);
        return new KeySet(Parse(File.ReadAllBytes(file)), DateTimeOffset.UtcNow, writtenAt);
    }

    private static byte[] Base64OrSelf(string value)
    {
        var trimmed = value.TrimEnd('=');
        try
        {
            return Convert.FromBase64String(trimmed + new string('=', (4 - trimmed.Length % 4) % 4));
        }
        catch (FormatException)
        {
            return Encoding.UTF8.GetBytes(value);
        }
    }

    /// <summary>A JWK Set (<c>{"keys": [...]}</c>) or a single JWK, as jwx's jwk.Parse reads either.</summary>
    private static IReadOnlyList<CryptoKey> Parse(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("keys", out var keys))
            {
                return keys.ValueKind == JsonValueKind.Array
                    ? [.. keys.EnumerateArray().Select(KeyParser.ParseJwk)]
                    : throw new KeyException("\"keys\" is not an array");
            }
            return [KeyParser.ParseJwk(root)];
        }
        catch (JsonException e)
        {
            throw new KeyException(e.Message, e);
        }
    }

    private sealed record KeySet(IReadOnlyList<CryptoKey> Keys, DateTimeOffset ReadAt, DateTime FileWrittenAt);
}
