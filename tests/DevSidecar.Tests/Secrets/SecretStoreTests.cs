using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr;
using Grpc.Core;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.Secrets;

/// <summary>secretstores.local.file and secretstores.local.env through the official DaprClient and the HTTP API.</summary>
public sealed class SecretStoreTests : IDisposable
{
    private const string SecretsJson = """
        {
          "db": { "password": "s3cret", "user": "shop", "conn": { "host": "localhost", "port": 5432 } },
          "apiKey": "abc",
          "hosts": ["a", "b"]
        }
        """;

    private readonly TempDir _data = new();

    public SecretStoreTests() => File.WriteAllText(_data.File("secrets.json"), SecretsJson);

    public void Dispose() => _data.Dispose();

    private Task<TestSidecar> Start(params (string, string)[] metadata) =>
        TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["secrets.yaml"] = Yaml.Component("localsecrets", "secretstores.local.file", [("secretsFile", _data.File("secrets.json")), .. metadata]),
        });

    [Fact]
    public async Task Nested_json_flattens_into_one_secret_per_leaf()
    {
        await using var dapr = await Start();
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(new Dictionary<string, string> { ["db:password"] = "s3cret" }, await dapr.Client.GetSecretAsync("localsecrets", "db:password", cancellationToken: ct));
        Assert.Equal(new Dictionary<string, string> { ["db:conn:port"] = "5432" }, await dapr.Client.GetSecretAsync("localsecrets", "db:conn:port", cancellationToken: ct));
        Assert.Equal(new Dictionary<string, string> { ["hosts:1"] = "b" }, await dapr.Client.GetSecretAsync("localsecrets", "hosts:1", cancellationToken: ct));

        var bulk = await dapr.Client.GetBulkSecretAsync("localsecrets", cancellationToken: ct);
        Assert.Equal(["apiKey", "db:conn:host", "db:conn:port", "db:password", "db:user", "hosts:0", "hosts:1"], bulk.Keys.Order());
        Assert.Equal("abc", bulk["apiKey"]["apiKey"]);
    }

    [Fact]
    public async Task Nested_separator_is_configurable()
    {
        await using var dapr = await Start(("nestedSeparator", "."));
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("shop", (await dapr.Client.GetSecretAsync("localsecrets", "db.user", cancellationToken: ct))["db.user"]);
    }

    [Fact]
    public async Task Multi_valued_secret_holds_every_key_of_its_object()
    {
        await using var dapr = await Start(("multiValued", "true"));
        var ct = TestContext.Current.CancellationToken;

        var db = await dapr.Client.GetSecretAsync("localsecrets", "db", cancellationToken: ct);

        Assert.Equal(new Dictionary<string, string> { ["password"] = "s3cret", ["user"] = "shop", ["conn:host"] = "localhost", ["conn:port"] = "5432" }, db);
        Assert.Equal(new Dictionary<string, string> { ["apiKey"] = "abc" }, await dapr.Client.GetSecretAsync("localsecrets", "apiKey", cancellationToken: ct));
    }

    [Fact]
    public async Task Missing_secret_and_unknown_store_fail_as_daprd()
    {
        await using var dapr = await Start();
        var ct = TestContext.Current.CancellationToken;

        var missing = await Assert.ThrowsAsync<DaprException>(() => dapr.Client.GetSecretAsync("localsecrets", "nope", cancellationToken: ct));
        var rpc = Assert.IsType<RpcException>(missing.InnerException);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.Equal("failed getting secret with key nope from secret store localsecrets: secret nope not found", rpc.Status.Detail);

        var unknown = await Assert.ThrowsAsync<DaprException>(() => dapr.Client.GetSecretAsync("vault", "x", cancellationToken: ct));
        rpc = Assert.IsType<RpcException>(unknown.InnerException);
        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Equal("failed finding secret store with key vault", rpc.Status.Detail);
    }

    [Fact]
    public async Task Http_api_serves_secrets_and_daprd_error_codes()
    {
        await using var dapr = await Start();
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };
        var ct = TestContext.Current.CancellationToken;

        var one = await http.GetFromJsonAsync<Dictionary<string, string>>("/v1.0/secrets/localsecrets/apiKey", ct);
        Assert.Equal(new Dictionary<string, string> { ["apiKey"] = "abc" }, one);
        var bulk = await http.GetFromJsonAsync<Dictionary<string, Dictionary<string, string>>>("/v1.0/secrets/localsecrets/bulk", ct);
        Assert.Equal("s3cret", bulk!["db:password"]["db:password"]);

        var unknown = await http.GetAsync("/v1.0/secrets/vault/x", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode); // daprd's status for an unknown secret store
        Assert.Equal("ERR_SECRET_STORE_NOT_FOUND", (await unknown.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errorCode").GetString());
        var missing = await http.GetAsync("/v1.0/secrets/localsecrets/nope", ct);
        Assert.Equal(HttpStatusCode.InternalServerError, missing.StatusCode);
        Assert.Equal("ERR_SECRET_GET", (await missing.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Relative_secrets_file_resolves_against_the_current_directory()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, _data.File("secrets.json"));
        Assert.False(Path.IsPathRooted(relative));
        await using var relativeDapr = await TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["secrets.yaml"] = Yaml.Component("localsecrets", "secretstores.local.file", ("secretsFile", relative)),
        });

        var secret = await relativeDapr.Client.GetSecretAsync("localsecrets", "apiKey", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("abc", secret["apiKey"]);
    }

    [Fact]
    public async Task Missing_secrets_file_stops_start_up_naming_file_and_field()
    {
        var noField = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["secrets.yaml"] = Yaml.Component("localsecrets", "secretstores.local.file"),
        }));
        Assert.EndsWith("secrets.yaml", noField.File);
        Assert.Equal("spec.metadata.secretsFile", noField.Field);

        var noFile = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["secrets.yaml"] = Yaml.Component("localsecrets", "secretstores.local.file", ("secretsFile", _data.File("absent.json"))),
        }));
        Assert.Equal("spec.metadata.secretsFile", noFile.Field);
    }

    [Fact]
    public async Task Env_store_reads_variables_and_never_hands_out_dapr_ones()
    {
        var name = $"SHOPDAPR_TEST_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, "from-env");
        Environment.SetEnvironmentVariable("DAPR_SECRETTEST", "hidden");
        try
        {
            await using var dapr = await TestSidecar.StartAsync(new Dictionary<string, string> { ["env.yaml"] = Yaml.Component("envsecrets", "secretstores.local.env") });
            var ct = TestContext.Current.CancellationToken;

            Assert.Equal("from-env", (await dapr.Client.GetSecretAsync("envsecrets", name, cancellationToken: ct))[name]);
            Assert.Equal("", (await dapr.Client.GetSecretAsync("envsecrets", "DAPR_SECRETTEST", cancellationToken: ct))["DAPR_SECRETTEST"]);
            var bulk = await dapr.Client.GetBulkSecretAsync("envsecrets", cancellationToken: ct);
            Assert.Equal("from-env", bulk[name][name]);
            Assert.DoesNotContain("DAPR_SECRETTEST", bulk.Keys);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
            Environment.SetEnvironmentVariable("DAPR_SECRETTEST", null);
        }
    }

    [Fact]
    public async Task Component_secret_key_ref_is_resolved_through_auth_secret_store()
    {
        var db = _data.File("from-secret.db");
        await File.WriteAllTextAsync(_data.File("secrets.json"), JsonSerializer.Serialize(new { sqlite = new { path = db } }), TestContext.Current.CancellationToken);
        var state = """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.sqlite
              version: v1
              metadata:
              - name: connectionString
                secretKeyRef:
                  name: sqlite:path
                  key: sqlite:path
            auth:
              secretStore: localsecrets
            """;
        await using var dapr = await TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["secrets.yaml"] = Yaml.Component("localsecrets", "secretstores.local.file", ("secretsFile", _data.File("secrets.json"))),
            ["state.yaml"] = state,
        });
        var ct = TestContext.Current.CancellationToken;

        await dapr.Client.SaveStateAsync("statestore", "k", "v", cancellationToken: ct);

        Assert.True(File.Exists(db));
        Assert.Equal("v", await dapr.Client.GetStateAsync<string>("statestore", "k", cancellationToken: ct));
    }
}
