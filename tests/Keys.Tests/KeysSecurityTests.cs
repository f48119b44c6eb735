using System.Net;
using System.Net.Http.Json;
using System.Text;
using ShopDapr.Contracts.Keys;
using ShopDapr.Testing;
using static ShopDapr.Keys.Tests.KeysFactory;

namespace ShopDapr.Keys.Tests;

public sealed class KeysSecurityTests : IAsyncLifetime
{
    private KeysFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await KeysFactory.StartAsync(Ct);
        _app.Admin();
        await _app.CreateKeyAsync("k", "aes256-gcm", Ct);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("GET", "/api/keys")]
    [InlineData("POST", "/api/keys")]
    [InlineData("GET", "/api/keys/k")]
    [InlineData("POST", "/api/keys/k/rotate")]
    [InlineData("POST", "/api/keys/k/encrypt")]
    [InlineData("DELETE", "/api/keys/k")]
    [InlineData("GET", "/api/keys/audit")]
    [InlineData("GET", "/api/keys/audit/verify")]
    public async Task Key_routes_are_401_without_a_token_and_403_for_customers_and_audited(string method, string path)
    {
        foreach (var (token, status) in new[]
        {
            ((string?)null, HttpStatusCode.Unauthorized),
            (_app.Tokens.Forged(), HttpStatusCode.Unauthorized),
            (_app.Tokens.Customer("customer-9"), HttpStatusCode.Forbidden),
        })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { plaintext = B64("x"), name = "new", type = "aes256-gcm" }) };
            var response = await _app.ClientWith(token).SendAsync(request, Ct);
            Assert.Equal(status, response.StatusCode);
            await response.ReadProblemAsync(Ct);
        }
        var key = await _app.Admin().GetFromJsonAsync<KeyView>("/api/keys/k", Ct);
        Assert.Equal((1, "Enabled"), (key!.LatestVersion, key.State));
        var refusals = (await _app.AuditAsync("", Ct)).Where(e => e.Outcome.StartsWith("refused:", StringComparison.Ordinal)).ToList();
        Assert.Contains(refusals, e => e.Outcome == "refused:Forbidden" && e.Caller == "user:customer-9" && e.Operation == $"{method} {path}");
        Assert.Contains(refusals, e => e.Outcome == "refused:Unauthenticated");
    }

    [Fact]
    public async Task Internal_routes_answer_only_the_sidecar()
    {
        var direct = _app.CreateClient().WithoutAppToken();
        var response = await direct.PostAsJsonAsync(KeysRoutes.Operation("k", "encrypt"), new { plaintext = B64("x") }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        // A customer's token does not open them either: only the app API token does.
        var customer = _app.ClientWith(_app.Tokens.Customer()).WithoutAppToken();
        Assert.True((await customer.PostAsJsonAsync(KeysRoutes.Operation("k", "encrypt"), new { plaintext = B64("x") }, Ct)).StatusCode.IsClientError());
    }

    public static TheoryData<string, string, HttpStatusCode> BadInput => new()
    {
        { "/api/keys/nope/encrypt", """{"plaintext":"eA=="}""", HttpStatusCode.NotFound },
        { "/api/keys/nope/decrypt", """{"ciphertext":"shopdapr:v1:AAAA"}""", HttpStatusCode.NotFound },
        { "/api/keys/nope/rotate", "{}", HttpStatusCode.NotFound },
        { "/api/keys/_audit/hmac", """{"input":"eA=="}""", HttpStatusCode.NotFound },
        { "/api/keys/k/encrypt", """{"plaintext":"not base64!"}""", HttpStatusCode.BadRequest },
        { "/api/keys/k/encrypt", """{"plaintext":"eA==","associatedData":"%%%"}""", HttpStatusCode.BadRequest },
        { "/api/keys/k/encrypt", """{}""", HttpStatusCode.BadRequest },
        { "/api/keys/k/encrypt", """{"plaintext":5}""", HttpStatusCode.BadRequest },
        { "/api/keys/k/encrypt", "{", HttpStatusCode.BadRequest },
        { "/api/keys/k/encrypt", "null", HttpStatusCode.BadRequest },
        { "/api/keys/k/encrypt", "", HttpStatusCode.BadRequest },
        { "/api/keys/k/decrypt", """{"ciphertext":"garbage"}""", HttpStatusCode.BadRequest },
        { "/api/keys/k/decrypt", """{"ciphertext":"shopdapr:v1:@@@@"}""", HttpStatusCode.BadRequest },
        { "/api/keys/k/decrypt", """{"ciphertext":"shopdapr:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", HttpStatusCode.UnprocessableEntity },
        { "/api/keys/k/decrypt", """{"ciphertext":"shopdapr:v7:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", HttpStatusCode.UnprocessableEntity },
        { "/api/keys/k/sign", """{"input":"eA=="}""", HttpStatusCode.BadRequest },
        { "/api/keys/k/jwks", "", HttpStatusCode.BadRequest },
        { "/api/keys", """{"name":"k","type":"aes256-gcm"}""", HttpStatusCode.Conflict },
        { "/api/keys", """{"name":"x","type":"des"}""", HttpStatusCode.BadRequest },
        { "/api/keys", """{"name":"Bad Name","type":"aes256-gcm"}""", HttpStatusCode.BadRequest },
        { "/api/keys", """{"name":"audit","type":"aes256-gcm"}""", HttpStatusCode.BadRequest },
        { "/api/keys", """{"name":"x","type":"aes256-gcm","rotationPeriod":"5m"}""", HttpStatusCode.BadRequest },
        { "/api/keys", """{"type":"aes256-gcm"}""", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_a_problem_never_a_5xx_and_changes_no_key(string path, string body, HttpStatusCode status)
    {
        var before = KeyRows();
        var response = path.EndsWith("/jwks", StringComparison.Ordinal)
            ? await _app.Admin().GetAsync(path, Ct)
            : await _app.Admin().PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(status, response.StatusCode);
        var problem = await response.ReadProblemAsync(Ct);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Equal(before, KeyRows());
    }

    [Fact]
    public async Task A_ciphertext_tampered_in_transit_is_422_and_never_a_plaintext()
    {
        var encrypted = await _app.PostOkAsync<EncryptResponse>(Path("k", "encrypt"), new { plaintext = B64("very secret") }, Ct);
        var bytes = Convert.FromBase64String(encrypted.Ciphertext["shopdapr:v1:".Length..]);
        bytes[^1] ^= 0x80;
        var response = await _app.Admin().PostAsJsonAsync(Path("k", "decrypt"), new { ciphertext = "shopdapr:v1:" + Convert.ToBase64String(bytes) }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(B64("very secret"), body);
        Assert.DoesNotContain("very secret", body);
    }

    [Fact]
    public async Task Another_keys_ciphertext_is_422()
    {
        await _app.CreateKeyAsync("other", "aes256-gcm", Ct);
        var theirs = await _app.PostOkAsync<EncryptResponse>(Path("other", "encrypt"), new { plaintext = B64("x") }, Ct);
        var response = await _app.Admin().PostAsJsonAsync(Path("k", "decrypt"), new { ciphertext = theirs.Ciphertext }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task A_huge_body_is_413_before_it_is_read()
    {
        var huge = new string('A', 2 * 1024 * 1024);
        var response = await _app.Admin().PostAsync(Path("k", "encrypt"), new StringContent($$"""{"plaintext":"{{huge}}"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    /// <summary>The stored keys: not the audit log, which records refusals too, nor the audit's own key, made when first needed.</summary>
    private string KeyRows() => string.Join("\n", _app.Dapr.Snapshot().Where(r => r.Key.StartsWith("key", StringComparison.Ordinal) && !r.Key.StartsWith("key-_", StringComparison.Ordinal)).OrderBy(r => r.Key).Select(r => $"{r.Key}={r.Value.ETag}"));
}
