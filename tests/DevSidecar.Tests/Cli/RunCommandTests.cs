using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using ShopDapr.DevSidecar.Cli;
using ShopDapr.DevSidecar.Tests.Resiliency;

namespace ShopDapr.DevSidecar.Tests.Cli;

/// <summary>
/// <c>run -f</c> driven in-process over tiny bash apps: each prints its environment, calls its sidecar over bash's
/// /dev/tcp, and on SIGTERM writes a marker file (so a graceful stop is visible) before exiting.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    private const string Serving = """
        echo "env APP_ID=$APP_ID DAPR_HTTP_PORT=$DAPR_HTTP_PORT DAPR_GRPC_PORT=$DAPR_GRPC_PORT DAPR_HTTP_ENDPOINT=$DAPR_HTTP_ENDPOINT DAPR_GRPC_ENDPOINT=$DAPR_GRPC_ENDPOINT APP_PORT=${APP_PORT-unset} APP_PROTOCOL=$APP_PROTOCOL DAPR_API_TOKEN=${DAPR_API_TOKEN-unset} GREETING=$GREETING"
        echo "$APP_ID writes to stderr" >&2
        exec 3<>/dev/tcp/127.0.0.1/$DAPR_HTTP_PORT
        printf 'GET /v1.0/healthz HTTP/1.0\r\ndapr-api-token: %s\r\n\r\n' "$DAPR_API_TOKEN" >&3
        read -r status <&3
        echo "sidecar answered: ${status%$'\r'}"
        exec 3>&-
        trap 'echo stopped > "$MARKERS/$APP_ID.stopped"; kill $pid 2>/dev/null; exit 0' TERM
        sleep 1000 & pid=$!
        wait $pid
        """;

    private readonly TempDir _dir = new();
    private readonly LinesWriter _output = new();

    public RunCommandTests()
    {
        Directory.CreateDirectory(_dir.File("markers"));
        Directory.CreateDirectory(_dir.File("components"));
    }

    public void Dispose() => _dir.Dispose();

    private void App(string folder, string script, params string[] resources)
    {
        Directory.CreateDirectory(_dir.File(folder));
        File.WriteAllText(_dir.File($"{folder}/app.sh"), script);
        foreach (var yaml in resources)
        {
            Directory.CreateDirectory(_dir.File($"{folder}/.dapr/resources"));
            File.WriteAllText(_dir.File($"{folder}/.dapr/resources/{Guid.NewGuid():N}.yaml"), yaml);
        }
    }

    private void RunFile(string apps, string? extraCommon = null) => File.WriteAllText(_dir.File("dapr.yaml"), $"""
        version: 1
        common:
          resourcesPath: components
          env:
            MARKERS: {_dir.File("markers")}
            GREETING: hello from common
        {extraCommon}
        apps:
        {apps}
        """);

    private Task<int> StartRun(CancellationToken cancellationToken, params string[] extra) =>
        DevSidecarCommand.RunAsync(["run", "-f", _dir.Path, .. extra], new InvocationConfiguration { Output = _output, Error = _output }, cancellationToken);

    private Task Output(string text, string because) =>
        Eventually.TrueAsync(() => _output.Text.Contains(text, StringComparison.Ordinal), $"{because}; output so far:\n{_output.Text}", TimeSpan.FromSeconds(60));

    private string Line(string startsWith) => _output.Lines.Single(l => l.StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public async Task Two_apps_get_the_dapr_environment_prefixed_output_and_a_graceful_stop()
    {
        App("catalog", Serving, "apiVersion: dapr.io/v1alpha1\nkind: HTTPEndpoint\nmetadata:\n  name: s\n");
        App("cart", Serving);
        var cartPort = FreePort();
        RunFile($"""
              - appID: catalog
                appDirPath: catalog
                daprdLogDestination: console
                command: ["bash", "app.sh"]
                env:
                  DAPR_API_TOKEN: s3cret
              - appDirPath: ./cart/
                appPort: {cartPort}
                daprHTTPPort: {FreePort()}
                command: ["bash", "app.sh"]
                env:
                  GREETING: hello from cart
            """);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = StartRun(stop.Token);
        await Output("== APP - cart == sidecar answered:", "cart never reached its sidecar");
        await Output("== APP - catalog == sidecar answered:", "catalog never reached its sidecar");
        _output.WriteLine("test: cart's port opens now");
        using var cartListener = new TcpListener(IPAddress.Loopback, cartPort);
        cartListener.Start();
        await Output("You're up and running", "the summary never came");
        await stop.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(0, code);
        var catalogEnv = Line("== APP - catalog == env ");
        var cartEnv = Line("== APP - cart == env ");
        var catalogHttp = int.Parse(Between(catalogEnv, "DAPR_HTTP_PORT=", " "));
        var catalogGrpc = int.Parse(Between(catalogEnv, "DAPR_GRPC_PORT=", " "));
        Assert.Contains($"APP_ID=catalog DAPR_HTTP_PORT={catalogHttp} DAPR_GRPC_PORT={catalogGrpc} DAPR_HTTP_ENDPOINT=http://127.0.0.1:{catalogHttp} DAPR_GRPC_ENDPOINT=http://127.0.0.1:{catalogGrpc} APP_PORT=unset APP_PROTOCOL=http DAPR_API_TOKEN=s3cret GREETING=hello from common", catalogEnv);
        Assert.Contains($"APP_ID=cart ", cartEnv);
        Assert.Contains($"APP_PORT={cartPort} APP_PROTOCOL=http DAPR_API_TOKEN=unset GREETING=hello from cart", cartEnv);
        Assert.Contains("== APP - catalog == catalog writes to stderr", _output.Lines);
        Assert.Contains("== APP - cart == sidecar answered: HTTP/1.1 204 No Content", _output.Lines);
        Assert.Contains(_output.Lines, l => l.StartsWith("== DAPR - catalog == level=warning", StringComparison.Ordinal) && l.Contains("HTTPEndpoint", StringComparison.Ordinal));
        Assert.True(_output.Text.IndexOf("test: cart's port opens now", StringComparison.Ordinal) < _output.Text.IndexOf("You're up and running", StringComparison.Ordinal),
            "the summary came before cart's port was open");
        Assert.Contains(_output.Lines, l => l.StartsWith("catalog ", StringComparison.Ordinal) && l.Contains($"{catalogHttp}", StringComparison.Ordinal) && l.Contains("bash app.sh", StringComparison.Ordinal));
        Assert.Contains(_output.Lines, l => l.StartsWith("cart ", StringComparison.Ordinal) && l.Contains($"{cartPort}", StringComparison.Ordinal));
        Assert.Equal("stopped", File.ReadAllText(_dir.File("markers/catalog.stopped")).Trim());
        Assert.Equal("stopped", File.ReadAllText(_dir.File("markers/cart.stopped")).Trim());
        Assert.Single(Directory.GetFiles(_dir.File("cart/.dapr/logs"), "cart_app_*.log"));
        Assert.Contains("sidecar answered", File.ReadAllText(Directory.GetFiles(_dir.File("cart/.dapr/logs"), "cart_app_*.log")[0]));
    }

    [Fact]
    public async Task A_crashing_app_is_reported_the_others_keep_running_and_run_exits_1()
    {
        App("catalog", "echo boom >&2\nexit 3\n");
        App("cart", Serving);
        RunFile("""
              - appDirPath: catalog
                command: ["bash", "app.sh"]
              - appDirPath: cart
                command: ["bash", "app.sh"]
            """);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = StartRun(stop.Token);
        await Output("error: the app \"catalog\" exited with code 3", "the crash was not reported");
        await Output("== APP - cart == sidecar answered", "cart did not keep running");
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();

        Assert.Equal(1, await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Contains("== APP - catalog == boom", _output.Lines);
        Assert.True(File.Exists(_dir.File("markers/cart.stopped")), "cart was not stopped with SIGTERM");
    }

    [Fact]
    public async Task An_app_that_crashes_before_it_is_ready_is_not_announced_ready()
    {
        App("catalog", "echo boom >&2\nexit 134\n");
        App("cart", Serving);
        RunFile($"""
              - appDirPath: catalog
                appPort: {FreePort()}
                command: ["bash", "app.sh"]
              - appDirPath: cart
                command: ["bash", "app.sh"]
            """);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = StartRun(stop.Token);
        await Output("error: not every app is ready: \"catalog\" exited with code 134", "the crash before readiness was not reported");
        await stop.CancelAsync();

        Assert.Equal(1, await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.DoesNotContain("You're up and running! Every app is ready:", _output.Lines);
    }

    [Fact]
    public async Task Run_ends_with_0_when_every_app_has_exited_cleanly()
    {
        App("catalog", "echo done\n");
        App("cart", "echo done too\n");
        RunFile("""
              - appDirPath: catalog
                command: ["bash", "app.sh"]
              - appDirPath: cart
                command: ["bash", "app.sh"]
            """);

        var code = await StartRun(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(0, code);
        Assert.Contains("== APP - catalog == done", _output.Lines);
        Assert.Contains("== APP - cart == done too", _output.Lines);
        Assert.Contains("Every app has exited. Shutting down Dapr.", _output.Lines);
    }

    [Fact]
    public async Task An_app_ignoring_SIGTERM_is_killed_after_the_stop_timeout()
    {
        App("stubborn", "trap '' TERM\necho ready\nsleep 1000 & wait $!\nwhile true; do sleep 1; done\n");
        RunFile("""
              - appDirPath: stubborn
                command: ["bash", "app.sh"]
            """);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = StartRun(stop.Token, "--stop-timeout", "1");
        await Output("== APP - stubborn == ready", "the app never started");
        await Output("You're up and running", "the summary never came");
        await stop.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Contains("The app \"stubborn\" did not stop within 1s after SIGTERM; killed it", _output.Lines);
    }

    [Fact]
    public async Task A_command_that_cannot_start_stops_the_run_with_1()
    {
        App("catalog", "");
        RunFile("""
              - appDirPath: catalog
                command: ["./no-such-program"]
            """);

        var code = await StartRun(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(1, code);
        Assert.Contains(_output.Lines, l => l.StartsWith("error: app \"catalog\": cannot start './no-such-program'", StringComparison.Ordinal));
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
