using System.Net.Http.Json;
using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ShopDapr.ServiceDefaults.Auth;

/// <summary>
/// Identity's signing keys, fetched through the Dapr sidecar (<c>GET /.well-known/jwks.json</c> on the identity app),
/// cached, and fetched again when a token names a key id the cache does not know (rotation).
/// </summary>
public sealed partial class JwksConfigurationManager : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly HttpClient _http;
    private readonly ShopAuthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JwksConfigurationManager> _logger;
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt;
    private bool _refreshRequested;

    public JwksConfigurationManager(IJwksHttpClientFactory httpFactory, IOptions<ShopAuthOptions> options, TimeProvider time, ILogger<JwksConfigurationManager> logger)
    {
        _options = options.Value;
        _http = httpFactory.Create(_options.JwksAppId);
        _time = time;
        _logger = logger;
    }

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) =>
        await GetConfigurationAsync(cancel);

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (_current is { } cached && !IsStale())
            return cached;
        await _fetch.WaitAsync(cancel);
        try
        {
            if (_current is { } again && !IsStale())
                return again;
            var configuration = await FetchAsync(cancel);
            _current = configuration;
            LastKnownGoodConfiguration = configuration;
            _fetchedAt = _time.GetUtcNow();
            _refreshRequested = false;
            return configuration;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && _current is not null)
        {
            LogFetchFailed(_logger, e);
            return _current!;
        }
        finally
        {
            _fetch.Release();
        }
    }

    public override void RequestRefresh() => _refreshRequested = true;

    private bool IsStale()
    {
        var age = _time.GetUtcNow() - _fetchedAt;
        return age >= _options.JwksCacheDuration || (_refreshRequested && age >= _options.JwksMinimumRefreshInterval);
    }

    private async Task<OpenIdConnectConfiguration> FetchAsync(CancellationToken cancel)
    {
        var jwks = await _http.GetFromJsonAsync<System.Text.Json.JsonElement>(_options.JwksPath, cancel);
        var keys = new JsonWebKeySet(jwks.GetRawText());
        var configuration = new OpenIdConnectConfiguration { Issuer = _options.Issuer, JsonWebKeySet = keys };
        foreach (var key in keys.GetSigningKeys())
            configuration.SigningKeys.Add(key);
        LogFetched(_logger, configuration.SigningKeys.Count);
        return configuration;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched {Count} token signing key(s) from identity")]
    private static partial void LogFetched(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching token signing keys failed; keeping the cached keys")]
    private static partial void LogFetchFailed(ILogger logger, Exception exception);
}

/// <summary>Makes the HttpClient that reaches an app through the sidecar; a seam so tests can answer in-process.</summary>
public interface IJwksHttpClientFactory
{
    HttpClient Create(string appId);
}

internal sealed class DaprJwksHttpClientFactory(IConfiguration configuration) : IJwksHttpClientFactory
{
    public HttpClient Create(string appId) =>
        DaprClient.CreateInvokeHttpClient(appId, DaprEndpoints.Http(configuration), DaprEndpoints.ApiToken(configuration));
}
