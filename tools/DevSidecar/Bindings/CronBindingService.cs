using System.Globalization;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Bindings;

/// <summary>
/// Runs the sidecar's cron bindings while it is up: at each tick <c>POST /{route}</c> to the app with an empty body
/// and the binding's metadata (<c>timeZone</c>, <c>readTimeUTC</c>) as headers, as daprd delivers input bindings.
/// As daprd, it first asks <c>OPTIONS /{route}</c> (unless <c>direction</c> says input): only a 2xx or 405 answer
/// starts the schedule. A non-2xx answer to a tick or a failed call is logged; the schedule goes on.
/// </summary>
internal sealed partial class CronBindingService(SidecarContext sidecar, TimeProvider time, ILogger<CronBindingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var crons = sidecar.Components.OfType<CronBinding>().ToList();
        if (crons.Count == 0)
            return;
        if (sidecar.App is not { } app)
        {
            foreach (var (name, _) in crons)
                LogNoApp(name, sidecar.AppId);
            return;
        }
        // A graceful stop's drain ends the schedules too: no new work starts while what is queued is delivered.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, sidecar.Draining);
        await Task.WhenAll(crons.Select(c => RunAsync(app, c.Component, running.Token)));
    }

    private async Task RunAsync(AppChannel app, CronBinding cron, CancellationToken stoppingToken)
    {
        try
        {
            if (!cron.ExplicitInput && !await IsSubscribedAsync(app, cron, stoppingToken))
                return;
            var next = cron.Parsed.Next(time.GetUtcNow());
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = next - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, time, stoppingToken);
                await FireAsync(app, cron, stoppingToken);
                next = cron.Parsed.Next(next > time.GetUtcNow() ? next : time.GetUtcNow());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The sidecar is stopping.
        }
    }

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3); // daprd's default app-binding-options-timeout

    private async Task<bool> IsSubscribedAsync(AppChannel app, CronBinding cron, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, cron.Route);
            using var response = await app.Client.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.MethodNotAllowed)
                return true;
            LogNotSubscribed(cron.Name, sidecar.AppId, cron.Route, (int)response.StatusCode);
            return false;
        }
        catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !stoppingToken.IsCancellationRequested)
        {
            LogProbeFailed(e, cron.Name, sidecar.AppId, cron.Route);
            return false;
        }
    }

    private async Task FireAsync(AppChannel app, CronBinding cron, CancellationToken stoppingToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, cron.Route) { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("timeZone", "Local");
        request.Headers.TryAddWithoutValidation("readTimeUTC",
            time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + " +0000 UTC");
        try
        {
            using var response = await app.Client.SendAsync(request, stoppingToken);
            if (!response.IsSuccessStatusCode)
                LogRejected(cron.Name, sidecar.AppId, (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            LogCallFailed(e, cron.Name, sidecar.AppId);
        }
    }

    [LoggerMessage(LogLevel.Warning, "cron binding {Binding}: app {AppId} has no app channel (no app port); the schedule does not run")]
    private partial void LogNoApp(string binding, string appId);

    [LoggerMessage(LogLevel.Information, "cron binding {Binding}: app {AppId} has not subscribed (OPTIONS {Route} answered {Status}); the schedule does not run")]
    private partial void LogNotSubscribed(string binding, string appId, string route, int status);

    [LoggerMessage(LogLevel.Warning, "cron binding {Binding}: could not invoke OPTIONS on {Route} of app {AppId}; the schedule does not run")]
    private partial void LogProbeFailed(Exception error, string binding, string appId, string route);

    [LoggerMessage(LogLevel.Warning, "cron binding {Binding}: app {AppId} answered {Status}")]
    private partial void LogRejected(string binding, string appId, int status);

    [LoggerMessage(LogLevel.Warning, "cron binding {Binding}: calling app {AppId} failed")]
    private partial void LogCallFailed(Exception error, string binding, string appId);
}
