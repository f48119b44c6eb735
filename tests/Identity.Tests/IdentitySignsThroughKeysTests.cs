extern alias keysapp;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ShopDapr.Contracts.Keys;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Auth;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

/// <summary>
/// Identity signs its tokens through the keys app, as the shop runs: identity's real DaprClient and its dev sidecar invoke
/// the keys app's sidecar under the repo's access-control policy, and keys signs with <c>identity-tokens</c>, a key it
/// created itself on start. A rotation there logs nobody out: tokens of both versions verify, in identity and in any app
/// that validates with identity's JWKS.
/// </summary>
public sealed class IdentitySignsThroughKeysTests : IAsyncLifetime
{
    private const string SigningKey = "identity-tokens";

    private IdentityOnKeys _shop = null!;
    private KeysApp _keys => _shop.Keys;
    private IdentityFactory _identity => _shop.Identity;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _shop = await IdentityOnKeys.StartAsync(Ct);
        _identity.Settings["Auth:JwksMinimumRefreshInterval"] = "00:00:00";
    }

    public ValueTask DisposeAsync() => _shop.DisposeAsync();

    /// <summary>The admin's token, once the admin is seeded and keys has provisioned the signing key (both happen on start).</summary>
    private async Task<JsonWebToken> AdminTokenAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await _identity.ClientWith(null).PostAsJsonAsync("/api/identity/login",
                new { email = IdentityFactory.AdminEmail, password = IdentityFactory.AdminPassword }, Ct);
            if (response.StatusCode == HttpStatusCode.OK)
                return new JsonWebToken((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString());
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No admin login: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            await Task.Delay(50, Ct);
        }
    }

    private async Task<HttpStatusCode> MeAsync(JsonWebToken token) =>
        (await _identity.ClientWith(token.EncodedToken).GetAsync("/api/identity/me", Ct)).StatusCode;

    private async Task<List<string>> PublishedKidsAsync() =>
        [.. (await _identity.ClientWith(null).GetFromJsonAsync<JsonElement>("/.well-known/jwks.json", Ct))
            .GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];

    [Fact]
    public async Task Tokens_are_signed_by_the_keys_app_and_name_the_key_version()
    {
        var token = await AdminTokenAsync();
        Assert.Equal(("ES256", KeyIds.Of(SigningKey, 1)), (token.Alg, token.Kid));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(token));
        // The version that signs, and the next one, announced before it signs.
        Assert.Equal([KeyIds.Of(SigningKey, 1), KeyIds.Of(SigningKey, 2)], (await PublishedKidsAsync()).Order());
        // keys signed it, for identity: its audit names the caller by app id.
        var audit = await _keys.Admin().GetFromJsonAsync<JsonElement>($"{KeysRoutes.Admin}/audit?key={SigningKey}", Ct);
        Assert.Contains(audit.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("operation").GetString() == "sign" && e.GetProperty("caller").GetString() == "app:identity");
        // The key was made by keys itself on its start.
        Assert.Contains(audit.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("operation").GetString() == "create" && e.GetProperty("caller").GetString() == "app:keys");
    }

    [Fact]
    public async Task A_rotation_logs_nobody_out_old_and_new_tokens_verify_everywhere()
    {
        var before = await AdminTokenAsync();
        // An app that validated a token before the rotation holds the old JWKS.
        var otherApp = new JwksConfigurationManager(new IdentityJwks(_identity), Options.Create(new ShopAuthOptions { JwksMinimumRefreshInterval = TimeSpan.Zero }),
            TimeProvider.System, NullLogger<JwksConfigurationManager>.Instance);
        Assert.True((await ValidateAsync(before, otherApp)).IsValid);

        (await _keys.Admin().PostAsync($"{KeysRoutes.Admin}/{SigningKey}/rotate", null, Ct)).EnsureSuccessStatusCode();
        var after = await AdminTokenAsync();

        Assert.Equal(KeyIds.Of(SigningKey, 1), before.Kid);
        Assert.Equal(KeyIds.Of(SigningKey, 2), after.Kid);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(before));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(after));
        Assert.Equal([KeyIds.Of(SigningKey, 1), KeyIds.Of(SigningKey, 2), KeyIds.Of(SigningKey, 3)], (await PublishedKidsAsync()).Order());
        var afterResult = await ValidateAsync(after, otherApp);
        Assert.True(afterResult.IsValid, afterResult.Exception?.Message);
        Assert.True((await ValidateAsync(before, otherApp)).IsValid);

        // Once an admin retires version 1, the JWKS drops it (and keeps the next version, 3).
        (await _keys.Admin().PutAsJsonAsync($"{KeysRoutes.Admin}/{SigningKey}/config", new { minDecryptionVersion = 2 }, Ct)).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await PublishedKidsAsync()).Count != 2 && DateTime.UtcNow < deadline)
            await Task.Delay(200, Ct); // identity's JWKS cache (Identity:SigningKeysCacheDuration) runs out
        Assert.Equal([KeyIds.Of(SigningKey, 2), KeyIds.Of(SigningKey, 3)], (await PublishedKidsAsync()).Order());
    }

    [Fact]
    public async Task A_validator_that_fetched_the_jwks_before_a_rotation_validates_tokens_signed_after_it_without_fetching_again()
    {
        var before = await AdminTokenAsync();
        var fetches = new CountingHandler();
        var otherApp = new JwksConfigurationManager(new CountedIdentityJwks(_identity, fetches),
            Options.Create(new ShopAuthOptions { JwksMinimumRefreshInterval = TimeSpan.Zero }), TimeProvider.System, NullLogger<JwksConfigurationManager>.Instance);
        Assert.True((await ValidateAsync(before, otherApp)).IsValid);
        Assert.Equal(1, fetches.Count);

        (await _keys.Admin().PostAsync($"{KeysRoutes.Admin}/{SigningKey}/rotate", null, Ct)).EnsureSuccessStatusCode();
        var after = await AdminTokenAsync();

        Assert.Equal(KeyIds.Of(SigningKey, 2), after.Kid);
        var afterResult = await ValidateAsync(after, otherApp);
        Assert.True(afterResult.IsValid, afterResult.Exception?.Message);
        Assert.True((await ValidateAsync(before, otherApp)).IsValid);
        Assert.Equal(1, fetches.Count); // version 2 was in the JWKS it fetched before the rotation, as the next version
    }

    /// <summary>Counts the requests it passes on: here, a validator's JWKS fetches.</summary>
    private sealed class CountingHandler : DelegatingHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class CountedIdentityJwks(IdentityFactory identity, CountingHandler counter) : IJwksHttpClientFactory
    {
        public HttpClient Create(string appId) => identity.CreateDefaultClient(counter);
    }

    [Fact]
    public async Task A_disabled_signing_key_makes_login_a_503_problem_not_a_500()
    {
        await AdminTokenAsync();
        (await _keys.Admin().PostAsync($"{KeysRoutes.Admin}/{SigningKey}/disable", null, Ct)).EnsureSuccessStatusCode();
        var response = await _identity.ClientWith(null).PostAsJsonAsync("/api/identity/login",
            new { email = IdentityFactory.AdminEmail, password = IdentityFactory.AdminPassword }, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        await response.ReadProblemAsync(Ct);
    }

    private static Task<TokenValidationResult> ValidateAsync(JsonWebToken token, JwksConfigurationManager manager) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token.EncodedToken, new TokenValidationParameters
        {
            ValidIssuer = new ShopAuthOptions().Issuer,
            ValidAudience = new ShopAuthOptions().Audience,
            ConfigurationManager = manager,
        });

    /// <summary>Another app's way to identity's JWKS: through the sidecar, with the app API token.</summary>
    private sealed class IdentityJwks(IdentityFactory identity) : IJwksHttpClientFactory
    {
        public HttpClient Create(string appId) => identity.ClientWith(null);
    }
}
