using System.ComponentModel;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Cli;

/// <summary>
/// <c>run -f</c>: one <see cref="SidecarCluster"/>, one sidecar per app, then each app's command with the Dapr environment.
/// Two entries with one app id are two replicas of the app (invocation, actors, workflows and pub/sub share the work
/// between them; a replica whose app dies is taken out until it answers again, see <see cref="AppHealth"/>).
/// As the dapr CLI: the first app or sidecar that cannot start stops the run; an app that exits later is reported and the
/// others keep running until Ctrl+C / SIGTERM (or until every app command has exited, when no app is sidecar-only).
/// Stopping on Ctrl+C / SIGTERM first drains (as daprd's graceful shutdown, bounded by <paramref name="drainLimit"/>): the
/// sidecars take no new work of their own and deliver what the in-memory pub/sub holds to the apps, still running; then
/// SIGTERM goes to each app (its process tree is killed after the grace period), then the sidecars stop.
/// Exit code: 0, 1 when an app crashed or failed to start, 2 for a broken run file or resource.
/// </summary>
public sealed class MultiAppRun(IReadOnlyList<RunApp> apps, RunOutput output, TimeSpan stopGrace, TimeSpan? drainLimit = null)
{
    /// <summary>daprd's default <c>--dapr-graceful-shutdown-seconds</c>.</summary>
    public static readonly TimeSpan DefaultDrainLimit = TimeSpan.FromSeconds(5);

    private sealed record Running(RunApp App, Sidecar Sidecar, LineSink Daprd, LineSink? AppLog, AppProcess? Process, Task? Watch);

    private volatile bool _crashed;

    public async Task<int> RunAsync(CancellationToken stop)
    {
        var running = new List<Running>();
        var drain = false;
        await using var cluster = new SidecarCluster();
        try
        {
            var replicas = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var app in apps)
            {
                var replica = replicas[app.AppId] = replicas.GetValueOrDefault(app.AppId) + 1;
                var started = await StartAsync(app, replica, cluster, stop);
                if (started is null)
                    return 1;
                running.Add(started);
            }
            // Ready as daprd is: the app takes calls and its sidecar has read the app's subscriptions (healthz), so an
            // event published right after the summary line reaches every subscriber.
            await Task.WhenAll(running.Select(async r =>
            {
                var exited = r.Process?.Exited ?? Task.CompletedTask;
                await AppReadiness.WaitAsync(r.App, exited, stop);
                await Task.WhenAny(r.Sidecar.Context.Ready(), r.Process is null ? Task.Delay(Timeout.Infinite, stop) : exited).WaitAsync(stop);
            }));
            PrintSummary(running);

            var allExited = running.All(r => r.Watch is not null)
                ? Task.WhenAll(running.Select(r => r.Watch!))
                : Task.Delay(Timeout.Infinite, stop);
            await Task.WhenAny(allExited, Task.Delay(Timeout.Infinite, stop));
            if (stop.IsCancellationRequested)
            {
                output.Line("Received signal to stop Dapr and app processes. Shutting down Dapr and app processes.");
                drain = true;
            }
            else
                output.Line("Every app has exited. Shutting down Dapr.");
        }
        catch (ResourceException e)
        {
            output.Error($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            output.Line("Received signal to stop Dapr and app processes. Shutting down Dapr and app processes.");
            drain = true;
        }
        finally
        {
            if (drain)
                await DrainAsync(cluster);
            await StopAllAsync(running);
        }
        return _crashed ? 1 : 0;
    }

    /// <param name="replica">1 for the first entry of an app id, 2 for the second (a second replica of the app), and so on:
    /// a later replica's log lines and files are told apart by it.</param>
    private async Task<Running?> StartAsync(RunApp app, int replica, SidecarCluster cluster, CancellationToken stop)
    {
        var stamp = DateTime.Now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var label = replica == 1 ? app.AppId : $"{app.AppId} (replica {replica})";
        var fileName = replica == 1 ? app.AppId : $"{app.AppId}-{replica}";
        var daprd = new LineSink(output, $"== DAPR - {label} == ", app.DaprdLogDestination, app.LogsDir, $"{fileName}_daprd_{stamp}.log");
        var options = new SidecarOptions
        {
            AppId = app.AppId,
            ResourcesPaths = app.ResourcesPaths,
            WorkingDirectory = app.AppDirPath, // as `dapr run -f` starts daprd: relative component paths resolve here
            ConfigFile = app.ConfigFile,
            AppChannel = app.AppPort is { } port ? AppChannelOptions.FromPort(port) : null,
            AppHealthCheckPath = app.AppHealthCheckPath,
            HttpPort = app.DaprHttpPort,
            GrpcPort = app.DaprGrpcPort,
            ApiToken = Setting(app, "DAPR_API_TOKEN"),
            AppApiToken = Setting(app, "APP_API_TOKEN"),
        };
        Sidecar sidecar;
        try
        {
            sidecar = await Sidecar.StartAsync(options, cluster, logging => logging
                .AddProvider(new LineSinkLoggerProvider(daprd))
                .SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("Grpc", LogLevel.Warning), stop);
        }
        catch (ResourceException)
        {
            daprd.Dispose();
            throw;
        }
        catch (IOException e)
        {
            output.Error($"error: the sidecar of app \"{app.AppId}\" cannot listen: {e.Message}");
            _crashed = true;
            daprd.Dispose();
            return null;
        }
        output.Line($"Started Dapr with app id \"{app.AppId}\". HTTP Port: {sidecar.HttpEndpoint.Port}. gRPC Port: {sidecar.GrpcEndpoint.Port}");
        if (app.AppPort is not null && app.AppProtocol is not ("http" or "h2c"))
            output.Error($"warning: app \"{app.AppId}\": appProtocol {app.AppProtocol} is not supported by the dev sidecar yet; it calls the app over plain HTTP");
        if (app.Command.Count == 0)
        {
            output.Line($"No application command found for app \"{app.AppId}\"; its sidecar runs alone.");
            return new Running(app, sidecar, daprd, null, null, null);
        }

        var appLog = new LineSink(output, $"== APP - {label} == ", app.AppLogDestination, app.LogsDir, $"{fileName}_app_{stamp}.log");
        try
        {
            var process = AppProcess.Start(app, Environment(app, sidecar), appLog);
            return new Running(app, sidecar, daprd, appLog, process, WatchAsync(app, sidecar, process));
        }
        catch (Win32Exception e)
        {
            output.Error($"error: app \"{app.AppId}\": cannot start '{app.Command[0]}' in {app.AppDirPath}: {e.Message}");
            _crashed = true;
            await sidecar.DisposeAsync();
            appLog.Dispose();
            daprd.Dispose();
            return null;
        }
    }

    /// <summary>
    /// The variables the dapr CLI gives an app (APP_ID, APP_PORT, APP_PROTOCOL, the sidecar's ports) plus the endpoints the
    /// SDKs read and the API tokens; then, as in the dapr CLI, the app's own <c>env</c> (common merged in) last, so it wins.
    /// </summary>
    private static Dictionary<string, string> Environment(RunApp app, Sidecar sidecar)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["APP_ID"] = app.AppId,
            ["APP_PROTOCOL"] = app.AppProtocol,
            ["DAPR_HTTP_PORT"] = sidecar.HttpEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DAPR_GRPC_PORT"] = sidecar.GrpcEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{sidecar.HttpEndpoint.Port}",
            ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{sidecar.GrpcEndpoint.Port}",
        };
        if (app.AppPort is { } port)
            env["APP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var token in new[] { "DAPR_API_TOKEN", "APP_API_TOKEN" })
        {
            if (Setting(app, token) is { } value)
                env[token] = value;
        }
        foreach (var (key, value) in app.Env)
            env[key] = value;
        return env;
    }

    private static string? Setting(RunApp app, string name) =>
        app.Env.TryGetValue(name, out var value) && value.Length > 0 ? value : System.Environment.GetEnvironmentVariable(name);

    private async Task WatchAsync(RunApp app, Sidecar sidecar, AppProcess process)
    {
        var code = await process.Exited;
        sidecar.Context.App?.Health.ReportRefused($"its process exited with code {code}");
        await process.DrainAsync();
        if (process.StopRequested)
            return;
        if (code == 0)
        {
            output.Line($"Exited App \"{app.AppId}\" successfully");
            return;
        }
        if (code is 130 or 143)
        {
            // SIGINT/SIGTERM from elsewhere: Ctrl+C in a terminal reaches the whole process group, the apps too.
            output.Line($"The app \"{app.AppId}\" was stopped by a signal");
            return;
        }
        _crashed = true;
        output.Error($"error: the app \"{app.AppId}\" exited with code {code}");
    }

    private async Task DrainAsync(SidecarCluster cluster)
    {
        var limit = drainLimit ?? DefaultDrainLimit;
        var held = cluster.InFlight.Count;
        if (held > 0)
            output.Line($"Delivering the {held} pub/sub message(s) still queued or in delivery before stopping the apps (up to {limit.TotalSeconds:0.#}s)");
        var left = await cluster.DrainAsync(limit);
        if (left > 0)
            output.Error($"warning: {left} pub/sub message(s) were still queued or in delivery after {limit.TotalSeconds:0.#}s (--dapr-graceful-shutdown-seconds); they are lost");
        else if (held > 0)
            output.Line("Every queued pub/sub message was delivered");
    }

    private void PrintSummary(List<Running> running)
    {
        var rows = running.Select(r => new[]
        {
            r.App.AppId,
            r.App.AppPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            r.Sidecar.HttpEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            r.Sidecar.GrpcEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            r.Process is null ? "(sidecar only)" : string.Join(' ', r.App.Command),
        }).Prepend(["APP ID", "APP PORT", "DAPR HTTP", "DAPR GRPC", "COMMAND"]).ToList();
        var widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length) + 2).ToArray();
        // An app that crashed while the run waited for it is not ready: say so instead of the all-clear.
        var crashed = running
            .Where(r => r.Process is { Exited: { IsCompletedSuccessfully: true, Result: not 0 } })
            .Select(r => $"\"{r.App.AppId}\" exited with code {r.Process!.Exited.Result}")
            .ToList();
        if (crashed.Count > 0)
            output.Error($"error: not every app is ready: {string.Join(", ", crashed)}; the others keep running (Ctrl+C stops them)");
        else
            output.Line("You're up and running! Every app is ready:");
        foreach (var row in rows)
            output.Line(string.Concat(row.Take(4).Select((cell, c) => cell.PadRight(widths[c]))) + row[4]);
    }

    private async Task StopAllAsync(List<Running> running)
    {
        await Task.WhenAll(running.Where(r => r.Process is { Exited.IsCompleted: false }).Select(async r =>
        {
            var graceful = await r.Process!.StopAsync(stopGrace);
            await r.Process.DrainAsync();
            output.Line(graceful
                ? $"Exited App \"{r.App.AppId}\" successfully"
                : $"The app \"{r.App.AppId}\" did not stop within {stopGrace.TotalSeconds:0.#}s after SIGTERM; killed it");
        }));
        foreach (var r in running)
        {
            await r.Sidecar.DisposeAsync();
            output.Line($"Exited Dapr \"{r.App.AppId}\" successfully");
            r.Process?.Dispose();
            r.AppLog?.Dispose();
            r.Daprd.Dispose();
        }
    }
}
