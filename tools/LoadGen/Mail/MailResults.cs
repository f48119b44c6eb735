using ShopDapr.LoadGen.Stats;
using Spectre.Console;

namespace ShopDapr.LoadGen.Mail;

/// <summary>
/// The e-mail figures of a run with <c>--mail-dir</c>: lag percentiles of the orders completed in the measured window,
/// and whether every order the run completed (warm-up included) had all its e-mails once the load stopped, and how long after.
/// </summary>
public sealed record MailResults(
    string Folder,
    long OrdersCompleted,
    long OrdersWithAllEmails,
    long MeasuredOrders,
    double? LagP50Ms,
    double? LagP95Ms,
    double? LagP99Ms,
    double? LagMaxMs,
    double? AllWrittenSecondsAfterLoadStopped,
    double WaitedSeconds,
    double WaitLimitSeconds)
{
    public bool AllWritten => OrdersWithAllEmails == OrdersCompleted;

    /// <summary>
    /// After the load stopped: waits (up to <paramref name="limit"/>, a progress line a second) until every completed order
    /// has its e-mails, then the figures. "Written within N s" is the last e-mail's write time minus the load's stop.
    /// </summary>
    public static async Task<MailResults> AwaitAsync(MailFolder folder, MailLagTracker tracker, DateTimeOffset loadStopped, TimeSpan limit,
        IAnsiConsole console, TimeProvider time, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (tracker.OrdersWithAllEmails < tracker.OrdersCompleted && time.GetElapsedTime(started) < limit)
        {
            var (pending, _) = tracker.Pending(time.GetUtcNow());
            console.MarkupLine($"waiting for e-mails: {tracker.OrdersWithAllEmails:N0} of {tracker.OrdersCompleted:N0} completed orders have all {MailLagTracker.ExpectedEmails.Count} ({pending:N0} waiting, {time.GetElapsedTime(started).TotalSeconds:0} s of {limit.TotalSeconds:0} s)");
            await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
        }
        var lags = tracker.WindowLags();
        var allWritten = tracker.OrdersWithAllEmails == tracker.OrdersCompleted;
        double? after = allWritten ? Math.Max(0, ((tracker.LastEmailWritten ?? loadStopped) - loadStopped).TotalSeconds) : null;
        return new MailResults(folder.Folder, tracker.OrdersCompleted, tracker.OrdersWithAllEmails, lags.Length,
            Percentiles.Of(lags, 50), Percentiles.Of(lags, 95), Percentiles.Of(lags, 99), lags.Length == 0 ? null : lags[^1],
            after, time.GetElapsedTime(started).TotalSeconds, limit.TotalSeconds);
    }
}
