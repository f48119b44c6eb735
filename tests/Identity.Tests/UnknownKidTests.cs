using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ShopDapr.Contracts.Keys;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Identity.Tests;

/// <summary>
/// A validator that meets a token whose <c>kid</c> it does not know fetches identity's JWKS again and validates that
/// same request with it, so even rotations closer together than its JWKS refresh (10 minutes) refuse no valid token;
/// and a flood of forged key ids costs identity at most one JWKS fetch per <c>Auth:JwksMinimumRefreshInterval</c>.
/// </summary>
public sealed class UnknownKidTests : IAsyncLifetime
{
    private const string SigningKey = "identity-tokens";
    private const string Email = "kid@shop.test";
    private const string Password = "Client-Passw0rd!";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1); // the shop's default

    private IdentityOnKeys _shop = null!;
    private JwksValidator _validator = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _shop = await IdentityOnKeys.StartAsync(Ct, identityAnswersItsSidecar: true);
        _validator = await JwksValidator.StartAsync(_shop, jwksCacheDuration: null, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _validator.DisposeAsync();
        await _shop.DisposeAsync();
    }

    [Fact]
    public async Task A_token_of_a_version_the_validator_never_saw_validates_in_its_first_request_and_forged_kids_are_rate_limited()
    {
        using var identity = _shop.Identity.ClientWith(null);
        await UntilAsync(async () => (await identity.GetAsync("/healthz", Ct)).IsSuccessStatusCode && (await _shop.Keys.ClientWith(null).GetAsync("/healthz", Ct)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Created, (await identity.PostAsJsonAsync("/api/identity/register", new { email = Email, password = Password, name = "Kid" }, Ct)).StatusCode);

        var first = await LoginAsync(identity);
        Assert.Equal($"{SigningKey}:v1", first.Kid);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(first.EncodedToken)).StatusCode);
        Assert.Equal(1, _validator.Fetches);
        var fetchedAt = Stopwatch.StartNew();

        // Two rotations: version 3 signs, and the validator's JWKS (from before both) announced only version 2.
        for (var i = 0; i < 2; i++)
            (await _shop.Keys.Admin().PostAsync($"{KeysRoutes.Admin}/{SigningKey}/rotate", null, Ct)).EnsureSuccessStatusCode();
        var rotated = await LoginAsync(identity);
        Assert.Equal($"{SigningKey}:v3", rotated.Kid);
        Assert.DoesNotContain((await _validator.Keys.GetConfigurationAsync(Ct)).SigningKeys, k => k.KeyId == rotated.Kid);
        await UntilAsync(() => Task.FromResult(fetchedAt.Elapsed >= RefreshInterval)); // the rate limit's window since the first fetch

        var response = await CallAsync(rotated.EncodedToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _validator.Fetches);

        // Forged key ids: refused, and they do not make the validator fetch more than once per interval.
        var forged = Forge(rotated.EncodedToken, $"{SigningKey}:v99");
        var before = _validator.Fetches;
        var flood = Stopwatch.StartNew();
        for (var i = 0; i < 30; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(forged)).StatusCode);
        var allowed = 1 + (int)(flood.Elapsed / RefreshInterval);
        Assert.InRange(_validator.Fetches - before, 0, allowed);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(rotated.EncodedToken)).StatusCode);
    }

    private async Task<JsonWebToken> LoginAsync(HttpClient identity)
    {
        var login = await identity.PostAsJsonAsync("/api/identity/login", new { email = Email, password = Password }, Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return new JsonWebToken((await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString());
    }

    private async Task<HttpResponseMessage> CallAsync(string token)
    {
        using var call = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        call.Headers.Authorization = new("Bearer", token);
        return await _validator.Client.SendAsync(call, Ct);
    }

    /// <summary>The token with its header's <c>kid</c> replaced (its signature no longer matches anything).</summary>
    private static string Forge(string token, string kid)
    {
        var parts = token.Split('.');
        var header = JsonSerializer.Deserialize<Dictionary<string, string>>(Base64UrlEncoder.Decode(parts[0]))!;
        header[JwtHeaderParameterNames.Kid] = kid;
        parts[0] = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header)));
        return string.Join('.', parts);
    }

    private static async Task UntilAsync(Func<Task<bool>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await probe())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The condition did not hold within 60 s.");
            await Task.Delay(20, Ct);
        }
    }
}
