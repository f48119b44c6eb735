using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShopDapr.ServiceDefaults.Auth;

/// <summary>
/// The two tokens between an app and its sidecar fail closed. <c>APP_API_TOKEN</c> (sidecar → app) is what keeps the
/// <c>/internal/*</c> routes — charges, refunds, reservations, orders — and the event routes to the sidecar alone;
/// <c>DAPR_API_TOKEN</c> (app → sidecar) keeps the sidecar's API to its app. Outside Development an app without both
/// refuses to start. In Development it starts, says so loudly, and still answers no sidecar-only route: a developer's
/// machine is reachable by every local process and often by the LAN, and an open charge or refund route is not a
/// convenience worth that. Every run file (dapr.yaml, tye.yaml) sets development tokens, so nothing needs the gap.
/// </summary>
public static partial class AppTokens
{
    public const string AppApiToken = "APP_API_TOKEN";
    public const string DaprApiToken = "DAPR_API_TOKEN";

    /// <summary>The token variables that are not set (empty counts as not set).</summary>
    public static IReadOnlyList<string> Missing(IConfiguration configuration) =>
        [.. new[] { AppApiToken, DaprApiToken }.Where(name => string.IsNullOrWhiteSpace(configuration[name]))];

    /// <summary>Throws <see cref="AppTokensMissingException"/> outside Development when a token is missing; returns what is missing.</summary>
    public static IReadOnlyList<string> Require(IConfiguration configuration, IHostEnvironment environment)
    {
        var missing = Missing(configuration);
        if (missing.Count > 0 && !environment.IsDevelopment())
            throw new AppTokensMissingException(
                $"{environment.ApplicationName} refuses to start: {string.Join(" and ", missing)} must be set outside Development " +
                $"(environment '{environment.EnvironmentName}'). {AppApiToken} is the token the Dapr sidecar sends to this app, " +
                $"{DaprApiToken} the token this app sends to its sidecar; give the sidecar the same values.");
        return missing;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message =
        "{Missing} not set: running in Development WITHOUT the app/sidecar tokens. Every sidecar-only route (/internal/*, " +
        "/events/*) answers 401/403 to everyone until the tokens are set; dapr.yaml and tye.yaml set development tokens.")]
    internal static partial void LogMissing(ILogger logger, string missing);
}

public sealed class AppTokensMissingException(string message) : InvalidOperationException(message);

/// <summary>Says at start-up, as loudly as a log can, that a Development app runs without its tokens.</summary>
internal sealed class MissingTokensWarning(IReadOnlyList<string> missing, ILogger<MissingTokensWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        AppTokens.LogMissing(logger, string.Join(" and ", missing));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
