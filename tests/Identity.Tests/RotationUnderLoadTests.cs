using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using ShopDapr.Contracts.Keys;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Auth;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

/// <summary>
/// Rotating identity's signing key while the shop is busy fails no one: clients keep logging in and calling a route of
/// another app that validates their tokens with identity's JWKS through its own sidecar (as every app of the shop does),
/// while an admin rotates <c>identity-tokens</c> several times and retires the oldest version once no client holds a token
/// of it — and then while keys' maintenance rotates it on schedule. Every login succeeds, and no token is refused.
/// </summary>
public sealed class RotationUnderLoadTests : IAsyncLifetime
{
    private const string SigningKey = "identity-tokens";
    private const int Clients = 6;

    private readonly ShiftedClock _keysClock = new();
    private IdentityOnKeys _shop = null!;
    private KeysApp _keys => _shop.Keys;
    private IdentityFactory _identity => _shop.Identity;
    private JwksValidator _validator = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _shop = await IdentityOnKeys.StartAsync(Ct, services => services.RemoveAll<TimeProvider>().AddSingleton<TimeProvider>(_keysClock),
            keysSettings: new Dictionary<string, string> { ["Keys:MaintenanceInterval"] = "00:00:01" }, identityAnswersItsSidecar: true);

        // The validator refreshes its JWKS every 5 s (the least the options allow; 10 min in the shop) so that the test's
        // rotations, seconds apart, can each wait until it has seen the next version announced.
        _validator = await JwksValidator.StartAsync(_shop, jwksCacheDuration: "00:00:05", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _validator.DisposeAsync();
        await _shop.DisposeAsync();
    }

    [Fact]
    public async Task Rotations_on_demand_and_on_schedule_fail_no_login_and_refuse_no_valid_token()
    {
        await FirstLoginAsync(); // identity is ready and keys has made the signing key
        await using var load = new Load(this, Clients);
        await load.UntilEveryClientUsedAsync(1);

        // On demand: three rotations, each once every client has used a token of the new version.
        for (var rotation = 0; rotation < 3; rotation++)
        {
            await UntilTheValidatorKnowsTheNextVersionAsync();
            var rotated = await RotateAsync();
            await load.UntilEveryClientUsedAsync(rotated.LatestVersion);
            if (rotation == 1)
            {
                // Version 1 signs no longer: once no client holds a token of it, an admin retires it.
                await load.UntilNoClientHoldsAsync(1);
                (await _keys.Admin().PutAsJsonAsync($"{KeysRoutes.Admin}/{SigningKey}/config", new { minDecryptionVersion = 2 }, Ct)).EnsureSuccessStatusCode();
                var published = await _keys.Admin().GetFromJsonAsync<JsonWebKeySetView>($"{KeysRoutes.Admin}/{SigningKey}/jwks", Ct);
                Assert.Equal([KeyIds.Of(SigningKey, 2), KeyIds.Of(SigningKey, 3), KeyIds.Of(SigningKey, 4)], published!.Keys.Select(k => k.Kid));
                await load.UntilEveryClientUsedAsync(rotated.LatestVersion, fresh: true);
            }
        }

        // On schedule: a rotation period, and keys' clock moved past it; its maintenance (every second) rotates.
        (await _keys.Admin().PutAsJsonAsync($"{KeysRoutes.Admin}/{SigningKey}/config", new { rotationPeriod = "1h" }, Ct)).EnsureSuccessStatusCode();
        for (var scheduled = 0; scheduled < 2; scheduled++)
        {
            var before = (await KeyAsync()).LatestVersion;
            await UntilTheValidatorKnowsTheNextVersionAsync();
            _keysClock.Advance(TimeSpan.FromHours(1));
            var version = await UntilAsync(async () => (await KeyAsync()).LatestVersion is var v && v > before ? v : (int?)null);
            await load.UntilEveryClientUsedAsync(version);
        }

        var result = await load.StopAsync();
        Assert.True(result.Failures.Count == 0, $"{result.Failures.Count} failures, first: {string.Join(" | ", result.Failures.Take(5))}");
        Assert.Equal([2, 3, 4, 5, 6], result.CallsByVersion.Keys.Where(v => v > 1).Order());
        Assert.All(result.CallsByVersion, pair => Assert.True(pair.Value >= Clients, $"version {pair.Key}: {pair.Value} calls"));
        Assert.Equal(result.Logins, result.Calls);
        var audit = await _keys.Admin().GetFromJsonAsync<JsonElement>($"{KeysRoutes.Admin}/audit?key={SigningKey}", Ct);
        Assert.Equal(2, audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("operation").GetString() == "scheduled-rotate"));
    }

    private async Task<KeyView> RotateAsync()
    {
        var response = await _keys.Admin().PostAsync($"{KeysRoutes.Admin}/{SigningKey}/rotate", null, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<KeyView>(Ct))!;
    }

    /// <summary>
    /// Identity is ready once its admin exists, keys once it has made the signing key (a login before either is a wrong
    /// password or a 503, and wrong passwords lock the client out); then a login succeeds.
    /// </summary>
    private async Task FirstLoginAsync()
    {
        using var identity = _identity.ClientWith(null);
        using var keys = _keys.ClientWith(null);
        await UntilAsync(async () => (await identity.GetAsync("/healthz", Ct)).IsSuccessStatusCode && (await keys.GetAsync("/healthz", Ct)).IsSuccessStatusCode ? true : (bool?)null);
        var login = await identity.PostAsJsonAsync("/api/identity/login", new { email = IdentityFactory.AdminEmail, password = IdentityFactory.AdminPassword }, Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        // One customer per client: a login counts against its account and address until it succeeds, so one account's
        // concurrent logins from one address would lock each other out (as a password guesser would be).
        for (var i = 0; i < Clients; i++)
            Assert.Equal(HttpStatusCode.Created, (await identity.PostAsJsonAsync("/api/identity/register",
                new { email = Email(i), password = Password, name = $"Client {i}" }, Ct)).StatusCode);
    }

    private const string Password = "Client-Passw0rd!";

    private static string Email(int client) => $"client{client}@shop.test";

    /// <summary>
    /// A rotation is safe once every validator has fetched the JWKS that announces the version it promotes: the shop's
    /// validators refresh within their cache duration, and keys' rotation periods are days. Rotating again sooner signs
    /// with a version no validator has seen announced, and its first tokens are refused until the validator refetches
    /// (which a run on a loaded CI machine showed: three 401s on v3). So each rotation here waits for that, as an
    /// operator's rotation schedule does.
    /// </summary>
    private async Task UntilTheValidatorKnowsTheNextVersionAsync()
    {
        var key = await KeyAsync();
        var next = KeyIds.Of(SigningKey, key.NextVersion ?? key.LatestVersion + 1);
        await UntilAsync(async () => (await _validator.Keys.GetConfigurationAsync(Ct)).SigningKeys.Any(k => k.KeyId == next) ? true : (bool?)null);
    }

    private async Task<KeyView> KeyAsync() => (await _keys.Admin().GetFromJsonAsync<KeyView>($"{KeysRoutes.Admin}/{SigningKey}", Ct))!;

    private static async Task<T> UntilAsync<T>(Func<Task<T?>> probe) where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The condition did not hold within 60 s.");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>
    /// Clients in a loop: log in as its customer, call the validating app with the token. Each records the version of the
    /// token it holds while it uses it; a failed login or a refused call is a failure, whatever its cause.
    /// </summary>
    private sealed class Load : IAsyncDisposable
    {
        private readonly RotationUnderLoadTests _test;
        private readonly CancellationTokenSource _stop = new();
        private readonly int[] _held;
        private readonly int[] _lastUsed;
        private readonly long[] _usedSince;
        private readonly ConcurrentQueue<string> _failures = new();
        private readonly ConcurrentDictionary<int, int> _callsByVersion = new();
        private readonly Task[] _clients;
        private int _logins;
        private int _calls;

        public Load(RotationUnderLoadTests test, int clients)
        {
            _test = test;
            _held = new int[clients];
            _lastUsed = new int[clients];
            _usedSince = new long[clients];
            _clients = [.. Enumerable.Range(0, clients).Select(i => Task.Run(() => RunAsync(i)))];
        }

        private async Task RunAsync(int client)
        {
            using var identity = _test._identity.ClientWith(null);
            while (!_stop.IsCancellationRequested)
            {
                var login = await identity.PostAsJsonAsync("/api/identity/login", new { email = Email(client), password = Password }, CancellationToken.None);
                if (login.StatusCode != HttpStatusCode.OK)
                {
                    _failures.Enqueue($"login: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync(CancellationToken.None)}");
                    continue;
                }
                Interlocked.Increment(ref _logins);
                var token = new JsonWebToken((await login.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("accessToken").GetString());
                var version = int.Parse(token.Kid[(token.Kid.LastIndexOf(":v", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);
                Volatile.Write(ref _held[client], version);
                using var call = new HttpRequestMessage(HttpMethod.Get, "/whoami");
                call.Headers.Authorization = new("Bearer", token.EncodedToken);
                var response = await _test._validator.Client.SendAsync(call, CancellationToken.None);
                Interlocked.Increment(ref _calls);
                if (response.StatusCode != HttpStatusCode.OK)
                    _failures.Enqueue($"call with a token of v{version}: {(int)response.StatusCode} {response.Headers.WwwAuthenticate}");
                else
                    _callsByVersion.AddOrUpdate(version, 1, (_, n) => n + 1);
                Volatile.Write(ref _held[client], 0);
                Volatile.Write(ref _lastUsed[client], version);
                Interlocked.Increment(ref _usedSince[client]);
            }
        }

        /// <summary>Until every client has used a token of <paramref name="version"/> (with <paramref name="fresh"/>, one it got after this call).</summary>
        public async Task UntilEveryClientUsedAsync(int version, bool fresh = false)
        {
            var marks = Enumerable.Range(0, _usedSince.Length).Select(i => Interlocked.Read(ref _usedSince[i])).ToArray();
            await UntilAsync(() => Task.FromResult(Enumerable.Range(0, _held.Length).All(i =>
                Volatile.Read(ref _lastUsed[i]) >= version && (!fresh || Interlocked.Read(ref _usedSince[i]) >= marks[i] + 2)) || _clients.Any(c => c.IsCompleted)
                ? true : (bool?)null));
            ThrowIfAClientDied();
        }

        /// <summary>Until no client holds a token of <paramref name="version"/> (each holds one only while it uses it).</summary>
        public async Task UntilNoClientHoldsAsync(int version)
        {
            await UntilAsync(() => Task.FromResult(Enumerable.Range(0, _held.Length).All(i => Volatile.Read(ref _held[i]) != version) ? true : (bool?)null));
            ThrowIfAClientDied();
        }

        private void ThrowIfAClientDied()
        {
            if (_clients.FirstOrDefault(c => c.IsFaulted) is { } died)
                throw new InvalidOperationException("A client of the load stopped.", died.Exception);
        }

        public async Task<(List<string> Failures, Dictionary<int, int> CallsByVersion, int Logins, int Calls)> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_clients);
            return ([.. _failures], new Dictionary<int, int>(_callsByVersion), _logins, _calls);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
                await _stop.CancelAsync();
            try
            {
                await Task.WhenAll(_clients);
            }
            catch (Exception)
            {
                // the test reported it, or fails for another reason
            }
            _stop.Dispose();
        }
    }

    /// <summary>The system clock, moved forward by the test (its timers stay the system's: maintenance still ticks every second).</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
    }
}
