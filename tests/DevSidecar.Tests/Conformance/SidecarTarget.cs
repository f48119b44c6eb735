using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dapr.Client;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Conformance;

/// <summary>
/// A sidecar under test: the dev sidecar in-process, or a real <c>daprd</c> process when one is on the PATH.
/// The same conformance tests run against both, so the dev sidecar cannot drift from Dapr unseen.
/// </summary>
public abstract class SidecarTarget : IAsyncDisposable
{
    public const string Dev = "dev-sidecar";
    public const string Daprd = "daprd";

    public static readonly TheoryData<string> All = new(Dev, Daprd);

    public required Uri HttpEndpoint { get; init; }

    public required Uri GrpcEndpoint { get; init; }

    public DaprClient Client => _client ??= new DaprClientBuilder()
        .UseHttpEndpoint(HttpEndpoint.ToString())
        .UseGrpcEndpoint(GrpcEndpoint.ToString())
        .Build();

    private DaprClient? _client;

    /// <summary>Starts <paramref name="kind"/> for <paramref name="appId"/> over a resources folder; skips the test when daprd is wanted but absent.</summary>
    public static async Task<SidecarTarget> StartAsync(string kind, string appId, string resourcesPath, int? appPort = null)
    {
        if (kind == Dev)
        {
            var sidecar = await Sidecar.StartAsync(new SidecarOptions
            {
                AppId = appId,
                ResourcesPaths = [resourcesPath],
                AppChannel = appPort is { } p ? AppChannelOptions.FromPort(p) : null,
            });
            var dev = new DevTarget(sidecar) { HttpEndpoint = sidecar.HttpEndpoint, GrpcEndpoint = sidecar.GrpcEndpoint };
            await dev.WaitUntilReadyAsync();
            return dev;
        }
        var daprd = FindOnPath("daprd");
        if (daprd is null)
            Assert.Skip("no daprd on the PATH: this conformance test runs against the dev sidecar only (install the Dapr runtime to compare)");
        return await DaprdTarget.LaunchAsync(daprd, appId, resourcesPath, appPort);
    }

    /// <summary>
    /// Waits for <c>/v1.0/healthz</c> (inbound readiness: app reachable, subscriptions loaded), not just the outbound check
    /// <c>WaitForSidecarAsync</c> uses: an event published before the subscriptions are loaded reaches nobody, on daprd too.
    /// </summary>
    public async Task WaitUntilReadyAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await Client.CheckHealthAsync(deadline.Token))
            await Task.Delay(50, deadline.Token);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, exe))
            .FirstOrDefault(File.Exists);

    public virtual async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await Task.CompletedTask;
        GC.SuppressFinalize(this);
    }

    private sealed class DevTarget(Sidecar sidecar) : SidecarTarget
    {
        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await sidecar.DisposeAsync();
        }
    }

    private sealed class DaprdTarget(Process process) : SidecarTarget
    {
        public static async Task<SidecarTarget> LaunchAsync(string daprd, string appId, string resourcesPath, int? appPort)
        {
            int http = FreePort(), grpc = FreePort();
            var args = new List<string>
            {
                "--app-id", appId, "--resources-path", resourcesPath, "--dapr-http-port", http.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--dapr-grpc-port", grpc.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "warn",
            };
            if (appPort is { } p)
                args.AddRange(["--app-port", p.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            var info = new ProcessStartInfo(daprd) { RedirectStandardOutput = true, RedirectStandardError = true };
            args.ForEach(info.ArgumentList.Add);
            var process = Process.Start(info) ?? throw new InvalidOperationException("daprd did not start");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var target = new DaprdTarget(process)
            {
                HttpEndpoint = new Uri($"http://127.0.0.1:{http}"),
                GrpcEndpoint = new Uri($"http://127.0.0.1:{grpc}"),
            };
            await target.WaitUntilReadyAsync();
            return target;
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }
}
