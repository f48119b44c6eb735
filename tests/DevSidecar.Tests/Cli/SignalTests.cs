using System.CommandLine;
using System.Diagnostics;
using ShopDapr.DevSidecar.Cli;
using ShopDapr.DevSidecar.Tests.Resiliency;

namespace ShopDapr.DevSidecar.Tests.Cli;

/// <summary>The built command as its own process, stopped the way a terminal or a process manager stops it.</summary>
public sealed class SignalTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LinesWriter _output = new();

    public void Dispose() => _dir.Dispose();

    private Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ShopDapr.DevSidecar.dll"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task TerminateAsync(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    private Task Output(string text, string because) =>
        Eventually.TrueAsync(() => _output.Text.Contains(text, StringComparison.Ordinal), $"{because}; output so far:\n{_output.Text}", TimeSpan.FromSeconds(60));

    [Fact]
    public async Task SIGTERM_to_run_stops_every_app_with_SIGTERM_and_exits_0()
    {
        var markers = Directory.CreateDirectory(_dir.File("markers")).FullName;
        Directory.CreateDirectory(_dir.File("components"));
        foreach (var app in new[] { "catalog", "cart" })
        {
            Directory.CreateDirectory(_dir.File(app));
            File.WriteAllText(_dir.File($"{app}/app.sh"),
                "echo \"$APP_ID up on $DAPR_HTTP_PORT\"\ntrap 'echo stopped > \"$MARKERS/$APP_ID.stopped\"; kill $pid; exit 0' TERM\nsleep 1000 & pid=$!\nwait $pid\n");
        }
        File.WriteAllText(_dir.File("dapr.yaml"), $"""
            version: 1
            common:
              resourcesPath: components
              env:
                MARKERS: {markers}
            apps:
              - appDirPath: catalog
                command: ["bash", "app.sh"]
              - appDirPath: cart
                command: ["bash", "app.sh"]
            """);
        using var process = Start("run", "-f", _dir.File("dapr.yaml"));
        try
        {
            await Output("You're up and running", "the run never came up");
            await Output("== APP - cart == cart up on", "cart never started");
            await TerminateAsync(process);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            Assert.Equal(0, process.ExitCode);
            Assert.Contains("Received signal to stop Dapr and app processes. Shutting down Dapr and app processes.", _output.Lines);
            Assert.True(File.Exists(Path.Combine(markers, "catalog.stopped")), "catalog did not get SIGTERM");
            Assert.True(File.Exists(Path.Combine(markers, "cart.stopped")), "cart did not get SIGTERM");
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task The_sidecar_command_serves_until_SIGTERM_and_exits_0()
    {
        using var process = Start("sidecar", "--app-id", "solo", "--dapr-http-port", "0", "--dapr-grpc-port", "0");
        try
        {
            await Output("== dev sidecar for 'solo': HTTP http://127.0.0.1:", "the sidecar never listened");
            var line = _output.Lines.Single(l => l.StartsWith("== dev sidecar for 'solo'", StringComparison.Ordinal));
            var http = line.Split(' ')[6];
            using var client = new HttpClient();
            using var health = await client.GetAsync(new Uri(new Uri(http), "v1.0/healthz"), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, health.StatusCode);

            await TerminateAsync(process);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task The_sidecar_command_reports_a_broken_component_with_exit_code_2()
    {
        File.WriteAllText(_dir.File("broken.yaml"), "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: s\nspec:\n  version: v1\n");

        var code = await DevSidecarCommand.RunAsync(
            ["sidecar", "--app-id", "solo", "--resources-path", _dir.Path, "--dapr-http-port", "0", "--dapr-grpc-port", "0"],
            new InvocationConfiguration { Output = _output, Error = _output }, TestContext.Current.CancellationToken);

        Assert.Equal(2, code);
        Assert.Contains($"error: {_dir.File("broken.yaml")}: spec.type: is required", _output.Text);
    }
}
