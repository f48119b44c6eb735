using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Identity.Users;

/// <summary>
/// Creates the first admin from the secret store (e-mail and password secrets) once the sidecar answers;
/// retried with backoff because the app may start before its sidecar. Idempotent across restarts and replicas.
/// </summary>
public sealed partial class AdminSeeder(
    DaprClient dapr, AccountService accounts, AdminReadiness readiness, IOptions<IdentityOptions> options, ILogger<AdminSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SeedAsync(stoppingToken);
                readiness.Seeded();
                return;
            }
            catch (Exception e) when (e is DaprException or HttpRequestException or Grpc.Core.RpcException)
            {
                LogSeedRetry(logger, delay, e);
            }
            catch (InvalidOperationException e)
            {
                LogSeedFailed(logger, e);
                Environment.ExitCode = 1; // misconfigured secrets: the host stops and the process must not exit 0
                throw;
            }
            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    internal async Task SeedAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var email = await ReadSecretAsync(o.AdminEmailSecret, cancellationToken);
        var password = await ReadSecretAsync(o.AdminPasswordSecret, cancellationToken);
        if (!EmailAddress.TryNormalize(email, out var normalized))
            throw new InvalidOperationException($"The secret '{o.AdminEmailSecret}' is not an e-mail address.");
        var (outcome, user) = await accounts.RegisterAsync(email, normalized, password, "Administrator",
            [ShopNames.Roles.Admin], cancellationToken);
        if (outcome == RegisterOutcome.Created)
            LogAdminCreated(logger, user.Id);
    }

    private async Task<string> ReadSecretAsync(string name, CancellationToken cancellationToken)
    {
        var secret = await dapr.GetSecretAsync(ShopNames.Components.SecretStore, name, cancellationToken: cancellationToken);
        return secret.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new InvalidOperationException($"The secret store has no value for '{name}'.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first admin account {UserId}")]
    private static partial void LogAdminCreated(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The first admin cannot be created from the secret store")]
    private static partial void LogSeedFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seeding the admin failed; retrying in {Delay}")]
    private static partial void LogSeedRetry(ILogger logger, TimeSpan delay, Exception exception);
}
