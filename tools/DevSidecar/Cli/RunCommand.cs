using System.CommandLine;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Cli;

/// <summary><c>run -f &lt;dapr.yaml | folder&gt;</c>: every app of a multi-app run file with its own sidecar, as <c>dapr run -f</c>.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--run-file", "-f")
        {
            Required = true,
            Description = "The multi-app run file, or a folder holding dapr.yaml",
        };
        var stopTimeout = new Option<int>("--stop-timeout")
        {
            DefaultValueFactory = _ => 10,
            Description = "Seconds each app gets to exit after SIGTERM before its process tree is killed",
        };
        var drain = new Option<int>("--dapr-graceful-shutdown-seconds")
        {
            DefaultValueFactory = _ => (int)MultiAppRun.DefaultDrainLimit.TotalSeconds,
            Description = "On Ctrl+C / SIGTERM, how long the sidecars may deliver what the in-memory pub/sub holds before the apps are stopped (daprd's default: 5)",
        };
        var command = new Command("run", "Run the apps of a multi-app run file (dapr.yaml), each with its own dev sidecar") { file, stopTimeout, drain };
        command.SetAction(async (parse, ct) =>
        {
            var output = new RunOutput(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            IReadOnlyList<RunApp> apps;
            try
            {
                apps = RunFileParser.Load(parse.GetValue(file)!);
            }
            catch (ResourceException e)
            {
                output.Error($"error: {e.Message}");
                return 2;
            }
            using var signal = new ShutdownSignal(ct);
            var run = new MultiAppRun(apps, output, TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(stopTimeout))),
                TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(drain))));
            return await run.RunAsync(signal.Token);
        });
        return command;
    }
}
