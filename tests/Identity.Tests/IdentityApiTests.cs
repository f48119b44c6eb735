using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using ShopDapr.Contracts.Identity;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

public sealed class IdentityApiTests : IAsyncLifetime
{
    private IdentityFactory _app = null!;
    private HttpClient _client = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await IdentityFactory.StartAsync(Ct);
        _client = _app.ClientWith(null);
        await _app.StartAndSeedAsync(Ct);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> Register(string email, string password = "Secret-pass-1", string name = "Alice") =>
        _client.PostAsJsonAsync("/api/identity/register", new { email, password, name }, Ct);

    private Task<HttpResponseMessage> Login(string email, string password) =>
        _client.PostAsJsonAsync("/api/identity/login", new { email, password }, Ct);

    [Fact]
    public async Task Register_creates_a_customer_and_commits_UserRegistered_with_the_email_key_through_the_outbox()
    {
        var response = await Register("alice@example.com");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("alice@example.com", body.GetProperty("email").GetString());
        // The first admin was registered through the same store at start-up, so its event is there too.
        static bool Alice(PublishedEvent e) => e.Type == nameof(UserRegistered) && e.As<UserRegistered>().Email == "alice@example.com";
        var published = await _app.Dapr.Published.WaitForAsync(e => e.Topic == "user-behavior" && Alice(e), Ct);
        Assert.Equal("pubsub", published.PubSub);
        Assert.Equal(body.GetProperty("id").GetString(), published.As<UserRegistered>().UserId);
        await _app.Dapr.SettleAsync(Ct);
        Assert.Single(_app.Dapr.Published.All, Alice);
    }

    [Fact]
    public async Task A_refused_publish_registers_nobody_so_a_retry_of_the_same_email_succeeds()
    {
        _app.Wire.FailPublishes = true; // the sidecar's outbox refuses the transaction when the broker does
        var failed = await Register("carol@example.com");
        Assert.True((int)failed.StatusCode >= 500, $"{failed.StatusCode}");
        _app.Wire.FailPublishes = false;

        var retried = await Register("carol@example.com");

        Assert.Equal(HttpStatusCode.Created, retried.StatusCode); // not 409: the failed attempt left no account behind
        Assert.Equal(HttpStatusCode.OK, (await Login("carol@example.com", "Secret-pass-1")).StatusCode);
    }

    [Fact]
    public async Task Register_with_an_existing_email_in_other_case_is_409()
    {
        Assert.Equal(HttpStatusCode.Created, (await Register("bob@example.com")).StatusCode);
        var before = _app.Dapr.Snapshot();
        var again = await Register("  BOB@Example.com ");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await again.ReadProblemAsync(Ct);
        Assert.Equal(before, _app.Dapr.Snapshot());
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_email_create_one_account()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Register("race@example.com")));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Single(_app.Dapr.Snapshot(), e => e.Key.StartsWith("user-", StringComparison.Ordinal) && !e.Key.StartsWith("user-email-", StringComparison.Ordinal)
            && e.Value.Json.Contains("race@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Weak_password_is_422_with_the_rule()
    {
        var response = await Register("weak@example.com", password: "abc");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ReadProblemAsync(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Login_returns_a_short_lived_es256_token_with_kid_and_role()
    {
        await Register("carol@example.com");
        var response = await Login("CAROL@example.com", "Secret-pass-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());
        var jwt = new JsonWebToken(body.GetProperty("accessToken").GetString());
        Assert.Equal("ES256", jwt.Alg);
        Assert.False(string.IsNullOrEmpty(jwt.Kid));
        Assert.Equal("customer", jwt.GetClaim("role").Value);
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.ValidFrom);

        var jwks = await _client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json", Ct);
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal(jwt.Kid, key.GetProperty("kid").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }

    [Fact]
    public async Task The_token_opens_me_through_the_jwks()
    {
        await Register("dave@example.com", name: "Dave");
        var login = await (await Login("dave@example.com", "Secret-pass-1")).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var me = await _app.ClientWith(login.GetProperty("accessToken").GetString()).GetFromJsonAsync<JsonElement>("/api/identity/me", Ct);
        Assert.Equal("Dave", me.GetProperty("name").GetString());
        Assert.Equal(["customer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));
    }

    [Theory]
    [InlineData("erin@example.com", "Wrong-pass-1")]
    [InlineData("nobody@example.com", "Secret-pass-1")]
    public async Task Bad_credentials_are_401_whether_or_not_the_email_exists(string email, string password)
    {
        await Register("erin@example.com");
        var response = await Login(email, password);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task Three_wrong_passwords_lock_that_client_out_with_429_and_retry_after_while_the_owner_signs_in_elsewhere()
    {
        await Register("frank@example.com");
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginFrom(Mallory, "frank@example.com", "Wrong-pass-1")).StatusCode);
        var locked = await LoginFrom(Mallory, "frank@example.com", "Secret-pass-1");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(4));
        await locked.ReadProblemAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, (await LoginFrom(Owner, "frank@example.com", "Secret-pass-1")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginFrom(Mallory, "frank@example.com", "Secret-pass-1")).StatusCode);
    }

    [Fact]
    public async Task Nobody_can_lock_the_admin_out_from_another_client()
    {
        for (var i = 0; i < 10; i++)
            Assert.True((await LoginFrom(Mallory, IdentityFactory.AdminEmail, $"Guess-{i}-pass")).StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await LoginFrom(Owner, IdentityFactory.AdminEmail, IdentityFactory.AdminPassword)).StatusCode);
    }

    [Fact]
    public async Task A_success_clears_the_clients_count()
    {
        await Register("gina@example.com");
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginFrom(Owner, "gina@example.com", "Wrong-pass-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginFrom(Owner, "gina@example.com", "Secret-pass-1")).StatusCode);
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginFrom(Owner, "gina@example.com", "Wrong-pass-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginFrom(Owner, "gina@example.com", "Secret-pass-1")).StatusCode);
    }

    [Fact]
    public async Task Known_and_unknown_emails_get_the_same_answers_throttle_included()
    {
        await Register("hank@example.com");
        for (var i = 0; i < 4; i++)
        {
            var known = await LoginFrom(Mallory, "hank@example.com", "Wrong-pass-1");
            var unknown = await LoginFrom(Mallory, "nobody-here@example.com", "Wrong-pass-1");
            Assert.Equal(known.StatusCode, unknown.StatusCode);
            Assert.Equal(known.Headers.RetryAfter?.Delta?.TotalMinutes is { } k ? Math.Round(k) : (double?)null,
                unknown.Headers.RetryAfter?.Delta?.TotalMinutes is { } u ? Math.Round(u) : (double?)null);
            var (knownProblem, unknownProblem) = (await known.ReadProblemAsync(Ct), await unknown.ReadProblemAsync(Ct));
            Assert.Equal(Comparable(knownProblem), Comparable(unknownProblem));
            // The waits began one request apart (each account's own count): their seconds may differ by the time between.
            Assert.InRange(Math.Abs(Seconds(knownProblem) - Seconds(unknownProblem)), 0, 2);
        }
    }

    [Fact]
    public async Task A_client_cannot_pick_another_clients_budget_by_a_malformed_address_header()
    {
        await Register("ivy@example.com");
        var client = _app.ClientWith(null);
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/login") { Content = JsonContent.Create(new { email = "ivy@example.com", password = "Wrong-pass-1" }) };
            request.Headers.TryAddWithoutValidation(ClientAddressHeader, $"not-an-address-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request, Ct)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Login("ivy@example.com", "Secret-pass-1")).StatusCode);
    }

    private const string ClientAddressHeader = "x-shopdapr-client-address";
    private const string Mallory = "203.0.113.66";
    private const string Owner = "198.51.100.7";

    private Task<HttpResponseMessage> LoginFrom(string address, string email, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add(ClientAddressHeader, address);
        return _client.SendAsync(request, Ct);
    }

    /// <summary>The problem without its per-request trace id, and with any count of seconds left to wait as "N".</summary>
    private static string Comparable(JsonElement problem) =>
        System.Text.RegularExpressions.Regex.Replace(
            string.Join("|", problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}")),
            @"\d+ seconds", "N seconds");

    /// <summary>The seconds left to wait that the problem names (0 when it names none).</summary>
    private static int Seconds(JsonElement problem) =>
        System.Text.RegularExpressions.Regex.Match(problem.ToString(), @"(\d+) seconds") is { Success: true } m
            ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    [Fact]
    public async Task The_first_admin_comes_from_the_secret_store()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage response;
        do
        {
            response = await Login(IdentityFactory.AdminEmail, IdentityFactory.AdminPassword);
            if (response.StatusCode == HttpStatusCode.OK)
                break;
            await Task.Delay(50, Ct);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("admin", new JsonWebToken(body.GetProperty("accessToken").GetString()).GetClaim("role").Value);
    }

    [Fact]
    public async Task Health_and_openapi_answer()
    {
        await WaitUntilReadyAsync();
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/alive", Ct)).StatusCode);
        var openapi = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        Assert.True(openapi.GetProperty("paths").TryGetProperty("/api/identity/register", out _));
    }

    [Fact]
    public async Task Readiness_fails_when_the_sidecar_is_down()
    {
        await WaitUntilReadyAsync();
        await _app.Dapr.Sidecar.StopAsync(Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.GetAsync("/healthz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/alive", Ct)).StatusCode);
    }

    /// <summary>Identity is ready (<c>/healthz</c> 200) once the first admin exists, which it seeds in the background at start.</summary>
    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await _client.GetAsync("/healthz", Ct)).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "identity never became ready");
            await Task.Delay(20, Ct);
        }
    }
}
