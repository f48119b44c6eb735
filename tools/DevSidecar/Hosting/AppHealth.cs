using System.Net.Sockets;

namespace ShopDapr.DevSidecar.Hosting;

/// <summary>
/// Whether this sidecar's app takes calls, as Kubernetes sees a pod through its readiness: a replica whose app is down
/// leaves service invocation's round-robin, actor placement and its app id's pub/sub consumers (its actors move, its
/// share of events goes to the other replicas) until it is up again. Two ways down: a connection to the app is refused
/// (a call back found nothing listening, the probe found the port closed, the process exited), over once the app answers
/// anything; or its <c>appHealthCheckPath</c> failed <see cref="Threshold"/> times in a row, over once it answers 2xx.
/// An app nothing has found down counts as up.
/// </summary>
public sealed partial class AppHealth(string appId)
{
    /// <summary>daprd's default <c>--app-health-threshold</c>: failed health checks in a row before the app is unhealthy.</summary>
    public const int Threshold = 3;

    private readonly Lock _gate = new();
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private volatile bool _answered;
    private volatile bool _refused;
    private volatile bool _unhealthy;
    private int _failures;

    public bool IsDown => _refused || _unhealthy;

    /// <summary>Why the app was last taken out, while it is down.</summary>
    public string? Reason { get; private set; }

    /// <summary>Where changes are logged (the sidecar's logging, once it is built).</summary>
    public void UseLogger(ILogger logger) => _logger = logger;

    /// <summary>The app answered a call (any status: something listens).</summary>
    public void ReportAnswered()
    {
        if (!_answered)
            _answered = true;
        if (!_refused)
            return; // the usual case, on every call: no lock
        Change(() => _refused = false);
    }

    /// <summary>Nothing listens: the app is down at once.</summary>
    public void ReportRefused(string reason) => Change(() => _refused = true, reason);

    /// <summary>The health check answered 2xx.</summary>
    public void ReportHealthy()
    {
        _answered = true;
        lock (_gate)
            _failures = 0;
        if (_refused || _unhealthy)
            Change(() => _refused = _unhealthy = false);
    }

    /// <summary>The health check answered, but not 2xx (or not in time): unhealthy after <see cref="Threshold"/> in a row.</summary>
    public void ReportUnhealthy(string reason)
    {
        lock (_gate)
        {
            if (++_failures < Threshold)
                return;
        }
        Change(() => _unhealthy = true, reason);
    }

    private void Change(Action change, string? reason = null)
    {
        bool wasDown, isDown;
        lock (_gate)
        {
            wasDown = IsDown;
            change();
            isDown = IsDown;
            if (isDown && !wasDown)
                Reason = reason;
            else if (!isDown)
                Reason = null;
        }
        if (isDown && !wasDown && !_answered)
            LogNotYet(_logger, appId, reason ?? "unknown"); // still starting: no alarm
        else if (isDown && !wasDown)
            LogDown(_logger, appId, reason ?? "unknown");
        else if (wasDown && !isDown)
            LogUp(_logger, appId);
    }

    /// <summary>A failure to connect: the request never reached the app, so sending it elsewhere cannot do anything twice.</summary>
    public static bool IsRefused(Exception e) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => true,
        _ => e.InnerException is { } inner && IsRefused(inner),
    };

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "App {AppId} is down ({Reason}): this replica is out of service invocation, actor placement and pub/sub until its app answers again")]
    private static partial void LogDown(ILogger logger, string appId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "App {AppId} does not take calls yet ({Reason}): this replica is left out until it answers")]
    private static partial void LogNotYet(ILogger logger, string appId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} is up again: this replica is back in service invocation, actor placement and pub/sub")]
    private static partial void LogUp(ILogger logger, string appId);
}

/// <summary>Every call the sidecar makes to its app reports to <see cref="AppHealth"/>: an answer, or a refused connection.</summary>
internal sealed class AppHealthHandler(AppHealth health, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            health.ReportAnswered();
            return response;
        }
        catch (HttpRequestException e) when (AppHealth.IsRefused(e))
        {
            health.ReportRefused(e.Message);
            throw;
        }
    }
}
