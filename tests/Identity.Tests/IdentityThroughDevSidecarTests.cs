using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

/// <summary>
/// Identity on its REAL DaprClient against the dev sidecar: the admin and signing key from a secretstores.local.file
/// store, accounts in state with first-write e-mail keys, and ETag-guarded login counts per (account, client).
/// </summary>
public sealed class IdentityThroughDevSidecarTests : IAsyncLifetime
{
    private readonly string _secretsFile = Path.Combine(Directory.CreateTempSubdirectory("identity-secrets-").FullName, "secrets.json");
    private DevSidecars _sidecars = null!;
    private IdentityFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllTextAsync(_secretsFile, JsonSerializer.Serialize(IdentityFactory.Secrets()), Ct);
        var resources = new Dictionary<string, string>
        {
            ["secretstore.yaml"] = $"""
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: secretstore
                spec:
                  type: secretstores.local.file
                  version: v1
                  metadata:
                    - name: secretsFile
                      value: "{_secretsFile}"
                """,
        };
        resources["pubsub.yaml"] = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: pubsub\nspec:\n  type: pubsub.in-memory\n  version: v1\n  metadata: []\n";
        // As components/*/statestore.yaml give identity: accounts in the store whose outbox publishes on user-behavior.
        resources["outbox.yaml"] = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore-user-behavior\nspec:\n  type: state.in-memory\n  version: v1\n  metadata:\n    - name: outboxPublishPubsub\n      value: pubsub\n    - name: outboxPublishTopic\n      value: user-behavior\n    - name: outboxDiscardWhenMissingState\n      value: \"true\"\n";
        _sidecars = new DevSidecars(resources);
        var sidecar = await _sidecars.StartAsync("identity", cancellationToken: Ct);
        _app = new IdentityFactory(dapr: null);
        _app.Settings["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        _app.Settings["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sidecars.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_secretsFile)!, recursive: true);
    }

    private Task<HttpResponseMessage> Login(string email, string password) =>
        _app.ClientWith(null).PostAsJsonAsync("/api/identity/login", new { email, password }, Ct);

    /// <summary>The admin's login once identity is ready (its readiness waits for the admin to exist).</summary>
    private async Task<HttpResponseMessage> AdminLoginAsync()
    {
        await WaitUntilReadyAsync();
        return await Login(IdentityFactory.AdminEmail, IdentityFactory.AdminPassword);
    }

    private async Task WaitUntilReadyAsync()
    {
        var client = _app.ClientWith(null);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpResponseMessage ready;
        while ((ready = await client.GetAsync("/healthz", Ct)).StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"identity never became ready: {await ready.Content.ReadAsStringAsync(Ct)}");
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task The_admin_from_the_secret_store_logs_in_with_a_token_its_jwks_verifies()
    {
        var response = await AdminLoginAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = new JsonWebToken((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString());
        Assert.Equal("admin", token.GetClaim("role").Value);
        var jwks = await _app.ClientWith(null).GetFromJsonAsync<JsonElement>("/.well-known/jwks.json", Ct);
        Assert.Equal(token.Kid, jwks.GetProperty("keys")[0].GetProperty("kid").GetString());
        var me = await _app.ClientWith(token.EncodedToken).GetFromJsonAsync<JsonElement>("/api/identity/me", Ct);
        Assert.Equal(IdentityFactory.AdminEmail, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Identity_is_ready_only_once_the_admin_exists_so_ready_means_the_admin_signs_in_at_once()
    {
        // What a run ("Every app is ready") and a Kubernetes readiness probe wait for. Before the admin check, /healthz
        // answered 200 as soon as the sidecar did, while the admin was still being seeded.
        await WaitUntilReadyAsync();

        Assert.Equal(HttpStatusCode.OK, (await Login(IdentityFactory.AdminEmail, IdentityFactory.AdminPassword)).StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_lock_only_that_client_out_in_real_state()
    {
        Assert.Equal(HttpStatusCode.OK, (await AdminLoginAsync()).StatusCode);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginFrom("203.0.113.66", IdentityFactory.AdminEmail, "Wrong-pass-1")).StatusCode);
        var locked = await LoginFrom("203.0.113.66", IdentityFactory.AdminEmail, IdentityFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        await locked.ReadProblemAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, (await LoginFrom("198.51.100.7", IdentityFactory.AdminEmail, IdentityFactory.AdminPassword)).StatusCode);
    }

    private Task<HttpResponseMessage> LoginFrom(string address, string email, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("x-shopdapr-client-address", address);
        return _app.ClientWith(null).SendAsync(request, Ct);
    }

    [Fact]
    public async Task Registration_is_unique_per_email_in_real_state()
    {
        var client = _app.ClientWith(null);
        var first = await client.PostAsJsonAsync("/api/identity/register", new { email = "zoe@example.com", password = "Secret-pass-1", name = "Zoe" }, Ct);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await client.PostAsJsonAsync("/api/identity/register", new { email = "ZOE@example.com", password = "Secret-pass-1", name = "Zoe" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Login("zoe@example.com", "Secret-pass-1")).StatusCode);
    }
}
