using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapr.Client;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Identity.Users;

/// <summary>
/// <see cref="LoginAttempts"/> in the Dapr state store, one key per (e-mail, client) pair: <c>login-attempts-{sha256}</c>
/// (neither the address nor the e-mail in the clear), written with ETags so concurrent attempts each count, and with a
/// TTL so a pair that stops failing is forgotten (no structure grows with history).
/// </summary>
public sealed class LoginAttemptStore(DaprClient dapr)
{
    private const string Store = ShopNames.Components.StateStore;

    public async Task<(LoginAttempts? Attempts, string ETag)> GetAsync(string key, CancellationToken cancellationToken)
    {
        var (attempts, etag) = await dapr.GetStateAndETagAsync<LoginAttempts?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken);
        return (attempts, etag ?? "");
    }

    /// <summary>False when another attempt of the same pair wrote first (read again and decide again).</summary>
    public Task<bool> TrySaveAsync(string key, LoginAttempts attempts, string etag, TimeSpan keepFor, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(etag)
            ? dapr.TrySaveStateAsync(Store, key, attempts, "", new StateOptions { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong },
                Ttl(keepFor), cancellationToken)
            : dapr.TrySaveStateAsync(Store, key, attempts, etag, metadata: Ttl(keepFor), cancellationToken: cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        dapr.DeleteStateAsync(Store, key, cancellationToken: cancellationToken);

    public static string Key(string normalizedEmail, string client) =>
        $"login-attempts-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{normalizedEmail}\n{client}")))}";

    private static Dictionary<string, string> Ttl(TimeSpan keepFor) =>
        new() { ["ttlInSeconds"] = ((long)Math.Ceiling(keepFor.TotalSeconds)).ToString(CultureInfo.InvariantCulture) };
}
