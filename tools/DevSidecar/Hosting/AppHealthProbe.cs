using System.Net.Sockets;

namespace ShopDapr.DevSidecar.Hosting;

/// <summary>
/// Looks at the app every <see cref="SidecarOptions.AppHealthProbeInterval"/>, so a replica whose app died is taken out
/// even when no call finds it first, and one that came back is let in again: <c>GET appHealthCheckPath</c> when one is set
/// (daprd's app health check: 2xx is healthy), otherwise a TCP connect to the app's port (Kubernetes' tcpSocket probe).
/// An in-process app with no health path is only judged by the calls made to it.
/// </summary>
internal sealed class AppHealthProbe(SidecarContext sidecar, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (sidecar.App is not { } app)
            return;
        var path = sidecar.Options.AppHealthCheckPath;
        var port = app.Options is { Handler: null, BaseAddress: { } address } ? address : null;
        if (path is null && port is null)
            return;
        using var ticks = new PeriodicTimer(sidecar.Options.AppHealthProbeInterval, time);
        while (await ticks.WaitForNextTickAsync(stoppingToken))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(sidecar.Options.AppHealthProbeTimeout);
            try
            {
                if (path is not null)
                    await CheckPathAsync(app, path, timeout.Token);
                else
                    await ConnectAsync(app.Health, port!, timeout.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                app.Health.ReportUnhealthy($"no answer within {sidecar.Options.AppHealthProbeTimeout.TotalMilliseconds:0} ms");
            }
        }
    }

    private static async Task CheckPathAsync(AppChannel app, string path, CancellationToken cancellationToken)
    {
        try
        {
            // The channel's handler reports a refused connection itself; any answer means something listens.
            using var answer = await app.Client.GetAsync(path.TrimStart('/'), cancellationToken);
            if (answer.IsSuccessStatusCode)
                app.Health.ReportHealthy();
            else
                app.Health.ReportUnhealthy($"GET {path} answered {(int)answer.StatusCode}");
        }
        catch (HttpRequestException e) when (!AppHealth.IsRefused(e))
        {
            app.Health.ReportUnhealthy($"GET {path} failed: {e.Message}");
        }
        catch (HttpRequestException)
        {
            // already reported down by the channel
        }
    }

    private static async Task ConnectAsync(AppHealth health, Uri app, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(app.Host, app.Port, cancellationToken);
            health.ReportHealthy(); // also ends a run of slow probes: only three in a row count
        }
        catch (SocketException e)
        {
            health.ReportRefused($"connecting to {app.Host}:{app.Port}: {e.Message}");
        }
    }
}
