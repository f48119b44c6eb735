using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.ServiceDefaults.Auth;

namespace ShopDapr.Testing;

/// <summary>
/// A service in-process (<see cref="WebApplicationFactory{TEntryPoint}"/>) on its real DaprClient, pointed through
/// <see cref="Settings"/> at a sidecar (usually a <see cref="DevDapr"/>), with <see cref="TestTokens"/> playing identity's
/// JWKS. <see cref="ConfigureServices"/> adds per-test replacements.
/// </summary>
public class ShopAppFactory<TProgram> : WebApplicationFactory<TProgram>
    where TProgram : class
{
    public TestTokens Tokens { get; } = new();

    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>The app API token every factory app gets by default: outside Development an app refuses to start without it.</summary>
    public const string DefaultAppApiToken = "test-app-api-token";

    public const string DefaultDaprApiToken = "test-dapr-api-token";

    /// <summary>Configuration for the app; starts with the two tokens (a test may change or remove them).</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["APP_API_TOKEN"] = DefaultAppApiToken,
        ["DAPR_API_TOKEN"] = DefaultDaprApiToken,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IJwksHttpClientFactory>(Tokens);
            ConfigureServices?.Invoke(services);
        });
    }

    /// <summary>
    /// Every client calls as the sidecar does, with the app API token in <c>dapr-api-token</c> (a test of the token
    /// itself removes it: <see cref="AppTokenClients.WithoutAppToken"/>).
    /// </summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        // A public entry (the gateway) is called by browsers: its clients carry no sidecar token.
        var publicEntry = Services.GetService<Microsoft.Extensions.Options.IOptions<ShopDapr.ServiceDefaults.ServiceDefaultsOptions>>()?.Value.PublicEntry == true;
        if (!publicEntry && Settings.GetValueOrDefault("APP_API_TOKEN") is { Length: > 0 } token)
            client.DefaultRequestHeaders.Add(AppTokenHeader, token);
    }

    public const string AppTokenHeader = "dapr-api-token";


    /// <summary>A client that sends <paramref name="token"/> as a bearer token (none when null).</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            Tokens.Dispose();
    }
}

public static class AppTokenClients
{
    /// <summary><paramref name="client"/> without the app API token, as a caller that bypasses the sidecar.</summary>
    public static HttpClient WithoutAppToken(this HttpClient client)
    {
        client.DefaultRequestHeaders.Remove("dapr-api-token");
        return client;
    }
}
