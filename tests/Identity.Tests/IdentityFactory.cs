using System.Security.Cryptography;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Auth;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

/// <summary>
/// Identity in-process on its real DaprClient over a real dev sidecar (<see cref="DevDapr"/>), signing in process with a
/// fresh key and admin in a <c>secretstores.local.file</c> store; its own JWKS verifies its tokens.
/// </summary>
public sealed class IdentityFactory : ShopAppFactory<Program>
{
    public const string AdminEmail = "admin@shop.test";
    public const string AdminPassword = "Admin-Passw0rd!";

    private readonly DevDapr? _dapr;

    /// <param name="dapr">The sidecar to point the app at; null when the test points it at one of its own through <see cref="ShopAppFactory{TProgram}.Settings"/>.</param>
    public IdentityFactory(DevDapr? dapr)
    {
        _dapr = dapr;
        foreach (var (key, value) in dapr?.AppSettings ?? new Dictionary<string, string?>())
            Settings[key] = value;
        Settings["Identity:MaxFailedLogins"] = "3";
        // These tests are about accounts and logins: tokens are signed in process (IdentitySignsThroughKeysTests cover keys).
        Settings["Identity:TokenSigning"] = nameof(TokenSigning.SecretStore);
        var client = dapr?.CreateClient(Wire);
        ConfigureServices = services =>
        {
            services.AddSingleton<IJwksHttpClientFactory>(new SelfJwks(this));
            if (client is not null)
                services.RemoveAll<DaprClient>().AddSingleton(client);
        };
    }

    /// <summary>On the app's DaprClient: a broker that is down (its outbox refuses the transaction), which the sidecar cannot be asked for.</summary>
    public DaprWire Wire { get; } = new();

    /// <summary>A new app over a new sidecar whose secret store holds a fresh signing key and the first admin.</summary>
    public static async Task<IdentityFactory> StartAsync(CancellationToken cancellationToken)
    {
        var dapr = await DevDapr.StartAsync(ShopNames.AppIds.Identity, cancellationToken, apiToken: DefaultDaprApiToken, secrets: Secrets());
        return new IdentityFactory(dapr);
    }

    /// <summary>A fresh ES256 signing key and the first admin, as identity reads them from its secret store.</summary>
    public static Dictionary<string, string> Secrets()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new Dictionary<string, string>
        {
            ["token-signing-key"] = key.ExportPkcs8PrivateKeyPem(),
            ["admin-email"] = AdminEmail,
            ["admin-password"] = AdminPassword,
        };
    }

    public DevDapr Dapr => _dapr ?? throw new InvalidOperationException("This app runs over a sidecar of the test's own.");

    /// <summary>Starts the app and waits (with a deadline) until the admin seeder has written the admin account and its e-mail key.</summary>
    public async Task StartAndSeedAsync(CancellationToken cancellationToken)
    {
        _ = Server;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Dapr.Snapshot() is var state && (!state.Values.Any(v => v.Json.Contains(AdminEmail, StringComparison.Ordinal)) || state.Count < 2))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The admin was not seeded.");
            await Task.Delay(20, cancellationToken);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_dapr is not null)
            await _dapr.DisposeAsync();
    }

    /// <summary>Identity validates its own tokens by fetching its own JWKS in-process.</summary>
    private sealed class SelfJwks(IdentityFactory factory) : IJwksHttpClientFactory
    {
        public HttpClient Create(string appId)
        {
            // As through the sidecar: with the app API token identity demands (ShopAppFactory sets one).
            var client = new HttpClient(factory.Server.CreateHandler()) { BaseAddress = new Uri("http://identity") };
            if (factory.Settings.GetValueOrDefault("APP_API_TOKEN") is { Length: > 0 } token)
                client.DefaultRequestHeaders.Add("dapr-api-token", token);
            return client;
        }
    }
}
