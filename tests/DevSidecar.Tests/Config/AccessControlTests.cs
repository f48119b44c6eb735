using System.Net;
using ShopDapr.DevSidecar.Tests.Invocation;

namespace ShopDapr.DevSidecar.Tests.Config;

public sealed class AccessControlTests
{
    private const string DenyAllButOneOperation = """
        apiVersion: dapr.io/v1alpha1
        kind: Configuration
        metadata:
          name: b-config
        spec:
          accessControl:
            defaultAction: deny
            trustDomain: public
            policies:
            - appId: a
              defaultAction: deny
              trustDomain: public
              namespace: default
              operations:
              - name: /api/allowed/*
                httpVerb: ["GET"]
                action: allow
        """;

    [Fact]
    public async Task Default_deny_lets_the_caller_through_only_on_its_allowed_operation_and_verb()
    {
        await using var apps = await TwoApps.StartAsync(new Dictionary<string, string> { ["config.yaml"] = DenyAllButOneOperation });
        using var http = apps.InvokeClient("b");
        var ct = TestContext.Current.CancellationToken;

        using var allowed = await http.GetAsync("http://b/api/allowed/1", ct);
        using var otherPath = await http.GetAsync("http://b/api/other", ct);
        using var otherVerb = await http.PostAsync("http://b/api/allowed/1", new StringContent("x"), ct);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        await HttpInvocationTests.AssertDirectInvokeError(otherPath, HttpStatusCode.Forbidden,
            "failed to invoke, id: b, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: spiffe://public/ns/default/a operation: api/other verb: GET");
        await HttpInvocationTests.AssertDirectInvokeError(otherVerb, HttpStatusCode.Forbidden,
            "failed to invoke, id: b, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: spiffe://public/ns/default/a operation: api/allowed/1 verb: POST");
        Assert.Single(apps.AppB.Received);
    }

    [Fact]
    public async Task A_caller_without_a_policy_gets_the_global_default_even_when_it_forges_identity_headers()
    {
        await using var apps = await TwoApps.StartAsync(new Dictionary<string, string> { ["config.yaml"] = DenyAllButOneOperation });
        var c = await apps.AddSidecarAsync("c", app: null);
        using var http = new HttpClient { BaseAddress = c.Sidecar.HttpEndpoint };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/invoke/b/method/api/allowed/1");
        request.Headers.Add("dapr-caller-app-id", "a");

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        await HttpInvocationTests.AssertDirectInvokeError(response, HttpStatusCode.Forbidden,
            "failed to invoke, id: b, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: spiffe://public/ns/default/c");
        Assert.Empty(apps.AppB.Received);
    }

    [Fact]
    public async Task An_app_invoking_itself_reaches_its_own_app_without_access_control_as_in_daprd()
    {
        await using var apps = await TwoApps.StartAsync(new Dictionary<string, string> { ["config.yaml"] = DenyAllButOneOperation });
        var replica = await apps.AddAppAsync("b-replica");
        await apps.AddSidecarAsync("b", replica);
        using var http = new HttpClient { BaseAddress = apps.B.Sidecar.HttpEndpoint };
        var ct = TestContext.Current.CancellationToken;

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
            answers.Add(await http.GetStringAsync("/v1.0/invoke/b/method/api/other", ct));

        Assert.All(answers, a => Assert.Equal("b", a));
        Assert.Empty(replica.Received);
    }

    [Fact]
    public async Task Config_file_with_default_allow_denies_only_the_listed_operations()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("config.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: b-config
            spec:
              accessControl:
                defaultAction: allow
                policies:
                - appId: a
                  trustDomain: public
                  namespace: default
                  operations:
                  - name: /admin/**
                    httpVerb: ["*"]
                    action: deny
            """, TestContext.Current.CancellationToken);
        await using var apps = await TwoApps.StartAsync(configureB: o => o with { ConfigFile = dir.File("config.yaml") });
        using var http = apps.InvokeClient("b");
        var ct = TestContext.Current.CancellationToken;

        using var open = await http.GetAsync("http://b/catalog/items", ct);
        using var admin = await http.DeleteAsync("http://b/ADMIN/users/1", ct);

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
    }

    [Theory]
    [InlineData("1", "01")]
    [InlineData("0", "00")]
    public async Task Sampling_rate_of_the_sidecar_that_starts_a_trace_sets_its_sampled_flag(string rate, string flags)
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("config.yaml"),
            $"apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: tracing\nspec:\n  tracing:\n    samplingRate: \"{rate}\"\n",
            TestContext.Current.CancellationToken);
        await using var apps = await TwoApps.StartAsync(configureA: o => o with { ConfigFile = dir.File("config.yaml") });
        using var http = apps.InvokeClient("b");

        (await http.GetAsync("http://b/traced", TestContext.Current.CancellationToken)).Dispose();

        Assert.EndsWith("-" + flags, apps.AppB.Last.Header("traceparent"));
    }
}
