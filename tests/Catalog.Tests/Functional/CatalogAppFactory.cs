using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Auth;
using DevDapr = ShopDapr.Testing.DevDapr;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>
/// The catalog in-process on its real DaprClient over a real dev sidecar (<see cref="DevDapr"/>: state, pub/sub and an
/// event recorder) and <see cref="TestTokens"/>, seeded with a small demo catalog. A class fixture: one app and sidecar
/// per test class; a test that builds its own calls <see cref="InitializeAsync"/>.
/// </summary>
public sealed class CatalogAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const int DemoCount = 300;

    private DevDapr? _dapr;
    private bool _ownsDapr;

    /// <summary>The sidecar behind the app; pass one in to start a second app (a replica, a restart) over the same store.</summary>
    public DevDapr Dapr
    {
        get => _dapr ?? throw new InvalidOperationException("InitializeAsync first: it starts the sidecar.");
        init => _dapr = value;
    }

    public async ValueTask InitializeAsync()
    {
        if (_dapr is not null)
            return;
        _ownsDapr = true;
        _dapr = await DevDapr.StartAsync(ShopNames.AppIds.Catalog, TestContext.Current.CancellationToken, apiToken: DaprApiToken);
    }

    public TestTokens Tokens { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // Sidecar-only routes (the subscriptions) answer no one without an app API token; clients call as the sidecar.
        builder.UseSetting("APP_API_TOKEN", AppApiToken);
        foreach (var (key, value) in Dapr.AppSettings)
            builder.UseSetting(key, value);
        builder.UseSetting("Catalog:DemoProductCount", DemoCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IJwksHttpClientFactory>();
            services.AddSingleton<IJwksHttpClientFactory>(Tokens);
        });
    }

    public const string AppApiToken = "catalog-app-api-token";

    public const string DaprApiToken = "catalog-dapr-api-token";

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("dapr-api-token", AppApiToken);
    }

    public HttpClient Anonymous() => CreateClient();

    public HttpClient As(string subject, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Issue(subject, roles));
        return client;
    }

    public HttpClient Admin() => As("admin-1", "admin");

    /// <summary>Waits (with a deadline) until the start-up load has finished and the API answers 200.</summary>
    public async Task<HttpClient> ReadyAsync(CancellationToken cancellationToken)
    {
        var client = Anonymous();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync("/api/catalog/products?pageSize=1", cancellationToken);
            if (response.IsSuccessStatusCode)
                return client;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The catalog did not become ready: {(int)response.StatusCode}");
            await Task.Delay(50, cancellationToken);
        }
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(cancellationToken) ?? throw new InvalidOperationException("empty body");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Tokens.Dispose();
        if (_ownsDapr)
            await Dapr.DisposeAsync();
    }
}
