using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapr.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.ServiceDefaults.Auth;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>The catalog in-process over a <see cref="FakeDapr"/> and <see cref="TestTokens"/>, seeded with a small demo catalog.</summary>
public sealed class CatalogAppFactory : WebApplicationFactory<Program>
{
    public const int DemoCount = 300;

    /// <summary>The state and pub/sub behind the app; pass one in to start a second app over the same store.</summary>
    public FakeDapr Dapr { get; init; } = new();

    public TestTokens Tokens { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // Sidecar-only routes (the subscriptions) answer no one without an app API token; clients call as the sidecar.
        builder.UseSetting("APP_API_TOKEN", AppApiToken);
        builder.UseSetting("DAPR_API_TOKEN", "catalog-dapr-api-token");
        builder.UseSetting("Catalog:DemoProductCount", DemoCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<DaprClient>();
            services.AddSingleton(Dapr.Client);
            services.RemoveAll<IJwksHttpClientFactory>();
            services.AddSingleton<IJwksHttpClientFactory>(Tokens);
        });
    }

    public const string AppApiToken = "catalog-app-api-token";

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

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            Tokens.Dispose();
    }
}
