using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Contracts.Identity;
using ShopDapr.Identity.Users;
using ShopDapr.ServiceDefaults.Auth;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

/// <summary>Identity in-process over <see cref="FakeDapr"/>, with a fresh signing key and admin in its secret store; its own JWKS verifies its tokens.</summary>
public sealed class IdentityFactory : ShopAppFactory<Program>
{
    public const string AdminEmail = "admin@shop.test";
    public const string AdminPassword = "Admin-Passw0rd!";

    public IdentityFactory()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Dapr.Secrets["token-signing-key"] = key.ExportPkcs8PrivateKeyPem();
        Dapr.Secrets["admin-email"] = AdminEmail;
        Dapr.Secrets["admin-password"] = AdminPassword;
        Dapr.UseState<UserAccount>().UseState<UserAccount?>().UseState<string>().UseState<string?>()
            .UseState<LoginAttempts>().UseState<LoginAttempts?>().UseEvents<UserRegistered>();
        Settings["Identity:MaxFailedLogins"] = "3";
        ConfigureServices = services => services.AddSingleton<IJwksHttpClientFactory>(new SelfJwks(this));
    }

    /// <summary>Starts the app and waits (with a deadline) until the admin seeder has written the admin account.</summary>
    public async Task StartAndSeedAsync(CancellationToken cancellationToken)
    {
        _ = Server;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Dapr.State.Values.Any(v => v.Json.Contains(AdminEmail, StringComparison.Ordinal)) || Dapr.State.Count < 2)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The admin was not seeded.");
            await Task.Delay(20, cancellationToken);
        }
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
