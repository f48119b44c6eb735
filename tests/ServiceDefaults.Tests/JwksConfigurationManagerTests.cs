using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ShopDapr.ServiceDefaults.Auth;
using ShopDapr.Testing;

namespace ShopDapr.ServiceDefaults.Tests;

public sealed class JwksConfigurationManagerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JwksConfigurationManager Manager(TestTokens tokens, TimeSpan minimumRefresh) =>
        new(tokens, Options.Create(new ShopAuthOptions { JwksMinimumRefreshInterval = minimumRefresh }), TimeProvider.System,
            NullLogger<JwksConfigurationManager>.Instance);

    private static Task<TokenValidationResult> ValidateAsync(string token, JwksConfigurationManager manager) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "shopdapr-identity",
            ValidAudience = "shopdapr",
            ConfigurationManager = manager,
        });

    [Fact]
    public async Task Keys_are_fetched_once_and_cached()
    {
        using var tokens = new TestTokens();
        var manager = Manager(tokens, TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5; i++)
            Assert.True((await ValidateAsync(tokens.Customer(), manager)).IsValid);
        Assert.Equal(1, tokens.JwksFetches);
    }

    [Fact]
    public async Task A_token_signed_by_a_new_key_is_accepted_after_one_refresh()
    {
        using var tokens = new TestTokens("key-1");
        var manager = Manager(tokens, TimeSpan.Zero);
        Assert.True((await ValidateAsync(tokens.Customer(), manager)).IsValid);
        tokens.Rotate("key-2");
        var result = await ValidateAsync(tokens.Customer(), manager);
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(2, tokens.JwksFetches);
    }

    [Fact]
    public async Task Unknown_key_ids_cannot_make_it_fetch_more_than_once_per_interval()
    {
        using var tokens = new TestTokens();
        var manager = Manager(tokens, TimeSpan.FromMinutes(5));
        Assert.True((await ValidateAsync(tokens.Customer(), manager)).IsValid);
        for (var i = 0; i < 20; i++)
        {
            using var stranger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var unknownKid = tokens.Create("mallory", ["admin"], signWith: new ECDsaSecurityKey(stranger) { KeyId = $"kid-{i}" });
            Assert.False((await ValidateAsync(unknownKid, manager)).IsValid);
            Assert.False((await ValidateAsync(tokens.Forged(), manager)).IsValid);
        }
        Assert.Equal(1, tokens.JwksFetches);
    }

    [Fact]
    public async Task Expired_and_foreign_audience_tokens_are_refused()
    {
        using var tokens = new TestTokens();
        var manager = Manager(tokens, TimeSpan.FromSeconds(1));
        Assert.False((await ValidateAsync(tokens.Create("c", ["customer"], TimeSpan.FromMinutes(1), DateTime.UtcNow.AddHours(-1)), manager)).IsValid);
        Assert.False((await ValidateAsync(tokens.Create("c", ["customer"], audience: "other"), manager)).IsValid);
    }
}
