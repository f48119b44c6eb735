using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ShopDapr.DevSidecar.Cli;
using ShopDapr.DevSidecar.Tests.Resiliency;

namespace ShopDapr.DevSidecar.Tests.Cli;

/// <summary><c>run -f</c> as <c>dapr run -f</c> starts daprd: per-app working directory and readiness after subscriptions.</summary>
public sealed class RunDaprdRulesTests : IDisposable
{
    private const string PrintsItsFolder = """
        echo "cwd=$(pwd)"
        trap 'kill $pid 2>/dev/null; exit 0' TERM
        sleep 1000 & pid=$!
        wait $pid
        """;

    private readonly TempDir _dir = new();
    private readonly LinesWriter _output = new();

    public void Dispose() => _dir.Dispose();

    private Task<int> StartRun(CancellationToken cancellationToken) =>
        DevSidecarCommand.RunAsync(["run", "-f", _dir.Path], new InvocationConfiguration { Output = _output, Error = _output }, cancellationToken);

    private Task Output(string text, string because) =>
        Eventually.TrueAsync(() => _output.Text.Contains(text, StringComparison.Ordinal), $"{because}; output so far:\n{_output.Text}", TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Relative_component_paths_and_the_app_resolve_against_each_apps_appDirPath()
    {
        Directory.CreateDirectory(_dir.File("components"));
        File.WriteAllText(_dir.File("components/state.yaml"), Yaml.Component("statestore", "state.sqlite", ("connectionString", "data/app.db")));
        File.WriteAllText(_dir.File("components/secrets.yaml"), Yaml.Component("local", "secretstores.local.file", ("secretsFile", "secrets.json")));
        File.WriteAllText(_dir.File("components/mail.yaml"), Yaml.Component("mail", "bindings.localstorage", ("rootPath", "../shared-mail")));
        var ports = new Dictionary<string, int>();
        foreach (var app in new[] { "first", "second" })
        {
            Directory.CreateDirectory(_dir.File(app));
            File.WriteAllText(_dir.File($"{app}/app.sh"), PrintsItsFolder);
            File.WriteAllText(_dir.File($"{app}/secrets.json"), $$"""{"greeting":"hello from {{app}}"}""");
            ports[app] = FreePort();
        }
        File.WriteAllText(_dir.File("dapr.yaml"), $"""
            version: 1
            common:
              resourcesPath: components
            apps:
              - appDirPath: first
                daprHTTPPort: {ports["first"]}
                command: ["bash", "app.sh"]
              - appDirPath: second
                daprHTTPPort: {ports["second"]}
                command: ["bash", "app.sh"]
            """);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;

        var run = StartRun(stop.Token);
        await Output("You're up and running", "the run never came up");
        await Output("== APP - second == cwd=", "second never printed its folder");
        using var http = new HttpClient();
        var greetings = new Dictionary<string, string>();
        foreach (var (app, port) in ports)
            greetings[app] = await http.GetStringAsync($"http://127.0.0.1:{port}/v1.0/secrets/local/greeting", ct);
        using var mailed = await http.PostAsync($"http://127.0.0.1:{ports["first"]}/v1.0/bindings/mail",
            new StringContent("""{"operation":"create","data":"hi","metadata":{"fileName":"note.txt"}}""", Encoding.UTF8, "application/json"), ct);
        await stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30), ct));

        Assert.Contains($"== APP - first == cwd={_dir.File("first")}", _output.Lines);
        Assert.Contains($"== APP - second == cwd={_dir.File("second")}", _output.Lines);
        Assert.True(File.Exists(_dir.File("first/data/app.db")), "first's SQLite file is not under its appDirPath");
        Assert.True(File.Exists(_dir.File("second/data/app.db")), "second's SQLite file is not under its appDirPath");
        Assert.Equal("""{"greeting":"hello from first"}""", greetings["first"]);
        Assert.Equal("""{"greeting":"hello from second"}""", greetings["second"]);
        Assert.True(mailed.IsSuccessStatusCode, $"binding create answered {mailed.StatusCode}");
        Assert.Equal("hi", File.ReadAllText(_dir.File("shared-mail/note.txt")));
    }

    [Fact]
    public async Task An_event_published_right_after_the_ready_line_reaches_a_subscriber_that_answered_its_subscriptions_late()
    {
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(_dir.File("components"));
        File.WriteAllText(_dir.File("components/pubsub.yaml"), Yaml.Component("pubsub", "pubsub.in-memory"));
        Directory.CreateDirectory(_dir.File("subscriber"));
        Directory.CreateDirectory(_dir.File("publisher"));
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        var appPort = FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{appPort}");
        builder.Logging.ClearProviders();
        await using var subscriber = builder.Build();
        // An app that takes seconds to know its subscriptions (its port is open long before).
        subscriber.MapGet("/dapr/subscribe", async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            return Results.Json(new[] { new { pubsubname = "pubsub", topic = "orders", route = "/orders" } });
        });
        subscriber.MapPost("/orders", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            received.TrySetResult(await reader.ReadToEndAsync(ct));
            return Results.Ok();
        });
        await subscriber.StartAsync(ct);
        var publisherPort = FreePort();
        File.WriteAllText(_dir.File("dapr.yaml"), $"""
            version: 1
            common:
              resourcesPath: components
            apps:
              - appDirPath: subscriber
                appPort: {appPort}
              - appDirPath: publisher
                daprHTTPPort: {publisherPort}
            """);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var run = StartRun(stop.Token);
        await Output("You're up and running", "the run never came up");
        using var http = new HttpClient();
        using var published = await http.PostAsync($"http://127.0.0.1:{publisherPort}/v1.0/publish/pubsub/orders",
            new StringContent("""{"order":1}""", Encoding.UTF8, "application/json"), ct);
        var delivered = await Task.WhenAny(received.Task, Task.Delay(TimeSpan.FromSeconds(15), ct));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        Assert.True(delivered == received.Task, "the event published right after the ready line never reached the subscriber");
        Assert.Contains("\"order\":1", await received.Task);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
