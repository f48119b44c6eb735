using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

/// <summary>The contract for bad input: every client mistake is a 4xx ProblemDetails, never a 5xx, and changes nothing.</summary>
/// <remarks>One app and sidecar for the class (<see cref="SeededIdentity"/>): every request here is refused and must change nothing.</remarks>
public sealed class IdentityBadInputTests(SeededIdentity identity) : IClassFixture<SeededIdentity>
{
    private IdentityFactory _app => identity.App;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, HttpStatusCode> BadRequests => new()
    {
        { "/api/identity/register", "application/json", "{", HttpStatusCode.BadRequest },
        { "/api/identity/register", "application/json", "", HttpStatusCode.BadRequest },
        { "/api/identity/register", "application/json", "null", HttpStatusCode.BadRequest },
        { "/api/identity/register", "application/json", "[]", HttpStatusCode.BadRequest },
        { "/api/identity/register", "application/json", """{"email": 42, "password": "Secret-pass-1", "name": "A"}""", HttpStatusCode.BadRequest },
        { "/api/identity/register", "application/json", """{"email": "x@example.com", "password": ["a"], "name": "A"}""", HttpStatusCode.BadRequest },
        { "/api/identity/register", "application/json", """{"email": "x@example.com"}""", HttpStatusCode.BadRequest },
        { "/api/identity/register", "application/json", """{"email": "' OR 1=1 --", "password": "Secret-pass-1", "name": "A"}""", HttpStatusCode.BadRequest },
        { "/api/identity/register", "application/json", """{"email": "x@example.com", "password": "Secret-pass-1", "name": "<script>alert(1)</script>\u0000"}""", HttpStatusCode.UnprocessableEntity },
        { "/api/identity/register", "application/json", $$"""{"email": "x@example.com", "password": "Secret-pass-1", "name": "{{new string('n', 500)}}"}""", HttpStatusCode.UnprocessableEntity },
        { "/api/identity/register", "text/plain", "email=x", HttpStatusCode.UnsupportedMediaType },
        { "/api/identity/login", "application/json", "{\"email\": true}", HttpStatusCode.BadRequest },
        { "/api/identity/login", "application/json", """{"email": "x@example.com", "password": ""}""", HttpStatusCode.BadRequest },
        { "/api/identity/login", "application/json", "{{{{", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_bodies_are_4xx_problems_and_change_nothing(string path, string contentType, string body, HttpStatusCode expected)
    {
        var before = _app.Dapr.Snapshot();
        var response = await _app.ClientWith(null).PostAsync(path, new StringContent(body, Encoding.UTF8, contentType), Ct);
        Assert.Equal(expected, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        Assert.Equal(before, _app.Dapr.Snapshot());
    }

    [Fact]
    public async Task A_one_megabyte_body_is_413()
    {
        var body = $$"""{"email": "x@example.com", "password": "Secret-pass-1", "name": "{{new string('x', 1024 * 1024)}}"}""";
        var response = await _app.ClientWith(null).PostAsync("/api/identity/register", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task A_one_megabyte_chunked_body_is_413_too()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"email": "x@example.com", "password": "Secret-pass-1", "name": "{{new string('x', 1024 * 1024)}}"}""")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/register") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await _app.ClientWith(null).SendAsync(request, Ct);
        Assert.True(response.StatusCode.IsClientError(), $"got {(int)response.StatusCode}");
        await response.ReadProblemAsync(Ct);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not.a.jwt")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.")]
    public async Task Me_without_a_valid_token_is_401(string? token)
    {
        var response = await _app.ClientWith(token).GetAsync("/api/identity/me", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task Me_with_a_token_signed_by_another_key_is_401_even_claiming_admin()
    {
        var response = await _app.ClientWith(_app.Tokens.Admin("mallory")).GetAsync("/api/identity/me", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task A_client_cannot_register_itself_as_admin()
    {
        var body = """{"email": "sneaky@example.com", "password": "Secret-pass-1", "name": "S", "roles": ["admin"], "role": "admin"}""";
        Assert.Equal(HttpStatusCode.Created, (await _app.ClientWith(null).PostAsync("/api/identity/register", new StringContent(body, Encoding.UTF8, "application/json"), Ct)).StatusCode);
        var login = await _app.ClientWith(null).PostAsync("/api/identity/login",
            new StringContent("""{"email": "sneaky@example.com", "password": "Secret-pass-1"}""", Encoding.UTF8, "application/json"), Ct);
        var token = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(login.Content, Ct)).GetProperty("accessToken").GetString();
        Assert.Equal(["customer"], new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Claims.Where(c => c.Type == "role").Select(c => c.Value));
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_are_problems()
    {
        var notFound = await _app.ClientWith(null).GetAsync("/api/identity/nothing-here", Ct);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        await notFound.ReadProblemAsync(Ct);
        var wrongMethod = await _app.ClientWith(null).GetAsync("/api/identity/login", Ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        await wrongMethod.ReadProblemAsync(Ct);
    }
}

/// <summary>A class fixture: one identity app over its own sidecar, started and seeded with the admin.</summary>
public sealed class SeededIdentity : IAsyncLifetime
{
    public IdentityFactory App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await IdentityFactory.StartAsync(TestContext.Current.CancellationToken);
        await App.StartAndSeedAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
