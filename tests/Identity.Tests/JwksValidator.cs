using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Auth;

namespace ShopDapr.Identity.Tests;

/// <summary>
/// An app that validates identity's tokens as every app of the shop does (the shop's JWT validation, its JWKS fetched
/// from identity through its own dev sidecar), serving <c>GET /whoami</c> to customers. Counts its JWKS fetches.
/// </summary>
internal sealed class JwksValidator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FetchCounter _fetches;

    private JwksValidator(WebApplication app, FetchCounter fetches)
    {
        _app = app;
        _fetches = fetches;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public JwksConfigurationManager Keys => _app.Services.GetRequiredService<JwksConfigurationManager>();

    /// <summary>How many times it has fetched identity's JWKS.</summary>
    public int Fetches => Volatile.Read(ref _fetches.Count);

    /// <param name="jwksCacheDuration">Its <c>Auth:JwksCacheDuration</c>; the shop's default (10 minutes) when null.</param>
    public static async Task<JwksValidator> StartAsync(IdentityOnKeys shop, string? jwksCacheDuration, CancellationToken ct)
    {
        var sidecar = await shop.Sidecars.StartAsync(ShopNames.AppIds.Analytics, cancellationToken: ct);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        if (jwksCacheDuration is not null)
            builder.Configuration["Auth:JwksCacheDuration"] = jwksCacheDuration;
        var fetches = new FetchCounter();
        builder.Services.AddSingleton<IJwksHttpClientFactory>(new CountingJwksClients(sidecar.HttpEndpoint, fetches));
        builder.Services.AddShopAuthentication(appApiToken: null);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (HttpContext http) => http.User.FindFirst(ShopNames.ClaimTypes.Subject)!.Value).RequireAuthorization(ShopNames.Policies.Customer);
        await app.StartAsync(ct);
        return new JwksValidator(app, fetches);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }

    private sealed class FetchCounter
    {
        public int Count;
    }

    /// <summary>The sidecar's service invocation by the <c>dapr-app-id</c> header, each request counted.</summary>
    private sealed class CountingJwksClients(Uri sidecar, FetchCounter fetches) : IJwksHttpClientFactory
    {
        public HttpClient Create(string appId)
        {
            var client = new HttpClient(new Counting(fetches) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = sidecar };
            client.DefaultRequestHeaders.Add("dapr-app-id", appId);
            return client;
        }
    }

    private sealed class Counting(FetchCounter fetches) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref fetches.Count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
