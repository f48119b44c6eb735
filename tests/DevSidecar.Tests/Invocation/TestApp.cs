using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Invocation;

/// <summary>What the test app saw of one call.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// An in-process app behind a sidecar (TestServer). <c>/status/{code}</c> answers that status with body <c>status {code}</c>;
/// <c>/flaky</c> answers 503 <see cref="FlakyFailures"/> times, then 200; <c>/echo</c> answers the request body with its content type;
/// any other path answers 200 with the app's name as body. Every answer carries <c>x-app-name</c>; every call is recorded.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _flakyCalls;

    private TestApp(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    /// <summary>How many calls to <c>/flaky</c> answer 503 before it answers 200.</summary>
    public int FlakyFailures { get; set; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public AppChannelOptions Channel => AppChannelOptions.FromHandler(_app.GetTestServer().CreateHandler());

    public ReceivedRequest Last => Received.Last();

    public static async Task<TestApp> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        var test = new TestApp(app, name);
        app.Map("/{**path}", async (HttpContext http, string? path) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            test.Received.Enqueue(new ReceivedRequest(
                http.Request.Method,
                http.Request.Path.Value ?? "",
                http.Request.QueryString.Value ?? "",
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                body));
            http.Response.Headers["x-app-name"] = name;
            if (path?.StartsWith("status/", StringComparison.Ordinal) == true && int.TryParse(path["status/".Length..], out var code))
            {
                http.Response.StatusCode = code;
                await http.Response.WriteAsync($"status {code}", http.RequestAborted);
                return;
            }
            if (path == "flaky" && Interlocked.Increment(ref test._flakyCalls) <= test.FlakyFailures)
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            if (path == "echo")
            {
                http.Response.ContentType = http.Request.ContentType;
                await http.Response.WriteAsync(body, http.RequestAborted);
                return;
            }
            http.Response.ContentType = "text/plain";
            await http.Response.WriteAsync(name, http.RequestAborted);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return test;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>Two apps, "a" and "b", each behind its own sidecar in one cluster.</summary>
public sealed class TwoApps : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public SidecarCluster Cluster { get; } = new();

    public TestApp AppA { get; private set; } = null!;
    public TestApp AppB { get; private set; } = null!;
    public TestSidecar A { get; private set; } = null!;
    public TestSidecar B { get; private set; } = null!;

    public static async Task<TwoApps> StartAsync(
        IReadOnlyDictionary<string, string>? resourcesOfB = null,
        Func<SidecarOptions, SidecarOptions>? configureA = null,
        Func<SidecarOptions, SidecarOptions>? configureB = null)
    {
        var apps = new TwoApps();
        apps.AppA = await apps.Own(TestApp.StartAsync("a"));
        apps.AppB = await apps.Own(TestApp.StartAsync("b"));
        apps.A = await apps.Own(TestSidecar.StartAsync(new Dictionary<string, string>(), "a", apps.AppA.Channel, apps.Cluster, configureA));
        apps.B = await apps.Own(TestSidecar.StartAsync(resourcesOfB ?? new Dictionary<string, string>(), "b", apps.AppB.Channel, apps.Cluster, configureB));
        return apps;
    }

    /// <summary>Starts one more sidecar in the cluster (a replica, or another app) and disposes it with the rest.</summary>
    public Task<TestSidecar> AddSidecarAsync(string appId, TestApp? app, IReadOnlyDictionary<string, string>? resources = null) =>
        Own(TestSidecar.StartAsync(resources ?? new Dictionary<string, string>(), appId, app?.Channel, Cluster));

    public Task<TestApp> AddAppAsync(string name) => Own(TestApp.StartAsync(name));

    /// <summary>An HttpClient that reaches app <paramref name="appId"/> through a's sidecar, as apps do.</summary>
    public HttpClient InvokeClient(string appId, string? apiToken = null) =>
        Dapr.Client.DaprClient.CreateInvokeHttpClient(appId, A.Sidecar.HttpEndpoint.ToString().TrimEnd('/'), apiToken);

    private async Task<T> Own<T>(Task<T> starting) where T : IAsyncDisposable
    {
        var item = await starting;
        _owned.Add(item);
        return item;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
            await _owned[i].DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
