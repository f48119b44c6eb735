using System.CommandLine;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Cli;

/// <summary>The command line: <c>sidecar</c> for one app started elsewhere, <c>run -f</c> for a multi-app run file.</summary>
public static class DevSidecarCommand
{
    public static Task<int> RunAsync(string[] args) => RunAsync(args, null, CancellationToken.None);

    /// <summary>Runs a command; <paramref name="configuration"/> may redirect output (tests). Ctrl+C / SIGTERM are handled by the commands.</summary>
    public static async Task<int> RunAsync(string[] args, InvocationConfiguration? configuration, CancellationToken cancellationToken)
    {
        var root = new RootCommand("ShopDapr dev sidecar: speaks Dapr's HTTP and gRPC APIs so Dapr apps run with no Dapr installed.");
        root.Subcommands.Add(SidecarCommand());
        root.Subcommands.Add(RunCommand.Create());
        configuration ??= new InvocationConfiguration();
        configuration.ProcessTerminationTimeout = null; // the commands stop gracefully on their own (ShutdownSignal)
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken);
    }

    private static Command SidecarCommand()
    {
        var appId = new Option<string>("--app-id") { Required = true, Description = "The app's Dapr app id" };
        var appPort = new Option<int?>("--app-port") { Description = "The port the app listens on (none: the app only calls out)" };
        var resources = new Option<string[]>("--resources-path") { Description = "Folder(s) of component YAML", AllowMultipleArgumentsPerToken = true };
        var config = new Option<string?>("--config") { Description = "A Configuration YAML file" };
        var httpPort = new Option<int>("--dapr-http-port") { DefaultValueFactory = _ => 3500, Description = "The sidecar's HTTP port (daprd's default: 3500)" };
        var grpcPort = new Option<int>("--dapr-grpc-port") { DefaultValueFactory = _ => 50001, Description = "The sidecar's gRPC port (daprd's default: 50001)" };
        var command = new Command("sidecar", "Run one sidecar for an app started elsewhere (e.g. under a debugger)")
        {
            appId, appPort, resources, config, httpPort, grpcPort,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var options = new SidecarOptions
            {
                AppId = parse.GetValue(appId)!,
                AppChannel = parse.GetValue(appPort) is { } port ? AppChannelOptions.FromPort(port) : null,
                ResourcesPaths = parse.GetValue(resources) ?? [],
                ConfigFile = parse.GetValue(config),
                HttpPort = parse.GetValue(httpPort),
                GrpcPort = parse.GetValue(grpcPort),
                ApiToken = Environment.GetEnvironmentVariable("DAPR_API_TOKEN"),
                AppApiToken = Environment.GetEnvironmentVariable("APP_API_TOKEN"),
            };
            using var signal = new ShutdownSignal(ct);
            try
            {
                await using var sidecar = await Sidecar.StartAsync(options, cancellationToken: signal.Token);
                output.WriteLine($"== dev sidecar for '{options.AppId}': HTTP {sidecar.HttpEndpoint} gRPC {sidecar.GrpcEndpoint}");
                // Serve until Ctrl+C / SIGTERM, or until the app asks its sidecar to shut down (POST /v1.0/shutdown).
                using var either = CancellationTokenSource.CreateLinkedTokenSource(signal.Token, sidecar.Context.ShutdownRequested);
                await Task.Delay(Timeout.Infinite, either.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                return 0;
            }
            catch (ResourceException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
