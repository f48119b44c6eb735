using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.ServiceDefaults.Auth;

namespace ShopDapr.Testing;

/// <summary>
/// A service in-process (<see cref="WebApplicationFactory{TEntryPoint}"/>) with <see cref="FakeDapr"/> as its DaprClient
/// and <see cref="TestTokens"/> playing identity's JWKS. <see cref="ConfigureServices"/> adds per-test replacements.
/// </summary>
public class ShopAppFactory<TProgram> : WebApplicationFactory<TProgram>
    where TProgram : class
{
    public FakeDapr Dapr { get; } = new();

    public TestTokens Tokens { get; } = new();

    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>False: the app keeps its real DaprClient (pointed at a sidecar through <see cref="Settings"/>).</summary>
    public bool UseFakeDapr { get; set; } = true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            if (UseFakeDapr)
                services.AddSingleton(Dapr.Client);
            services.AddSingleton<IJwksHttpClientFactory>(Tokens);
            ConfigureServices?.Invoke(services);
        });
    }

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
