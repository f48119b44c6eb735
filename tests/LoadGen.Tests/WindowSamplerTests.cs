using ShopDapr.LoadGen.Mail;
using ShopDapr.LoadGen.Sampling;
using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.Tests;

public sealed class WindowSamplerTests
{
    [Fact]
    public async Task Each_interval_of_the_window_gets_a_row_of_its_own_orders_latencies_email_lags_and_processes()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = TimeProvider.System;
        var mail = new MailLagTracker();
        var metrics = new LoadMetrics(time) { Mail = mail };
        using var csv = new StringWriter();
        var sampler = new WindowSampler(metrics, Environment.ProcessId, TimeSpan.FromSeconds(1), csv, time).Attach();
        var run = sampler.RunAsync(ct);
        var completed = DateTimeOffset.UtcNow;

        metrics.OrderCompleted(Guid.NewGuid(), completed, TimeSpan.FromMilliseconds(50)); // before the window: in no row
        metrics.OpenWindow();
        var emailed = Guid.NewGuid();
        metrics.OrderCompleted(emailed, completed, TimeSpan.FromMilliseconds(100));
        metrics.OrderCompleted(Guid.NewGuid(), completed, TimeSpan.FromMilliseconds(900));
        metrics.OrderCompleted(Guid.NewGuid(), completed, TimeSpan.FromMilliseconds(200));
        foreach (var type in MailLagTracker.ExpectedEmails)
            mail.EmailWritten(emailed, type, completed.AddMilliseconds(1_500));
        await Until(() => csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 2);
        metrics.OrderCompleted(Guid.NewGuid(), completed, TimeSpan.FromMilliseconds(300));
        metrics.OrderCompleted(Guid.NewGuid(), completed, TimeSpan.FromMilliseconds(400));
        metrics.CloseWindow();
        await run.WaitAsync(TimeSpan.FromSeconds(10), ct);

        var samples = SamplesCsv.Parse(csv.ToString());
        Assert.Equal(2, samples.Rows.Count);
        Assert.Equal([3.0, 2.0], samples.Column("orders"));
        Assert.Equal(900.0, samples.Column("saga_p95_ms")[0]);
        Assert.Equal(400.0, samples.Column("saga_p95_ms")[1]);
        Assert.Equal(1_500.0, samples.Column("mail_lag_p99_ms")[0]);
        Assert.Null(samples.Column("mail_lag_p99_ms")[1]);                      // no order resolved in the second interval
        Assert.Equal(5.0, samples.Column("mail_pending_orders")[1]);             // the other five (one from before the window) still wait
        var rates = samples.Column("orders_per_s");
        var intervals = samples.Column("interval_s");
        Assert.Equal(3 / intervals[0]!.Value, rates[0]!.Value, 0.1);
        Assert.Contains("LoadGen", samples.Processes);                          // this process, as the load generator
        Assert.All(samples.Column("rss_mb_LoadGen"), rss => Assert.True(rss > 0));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("t_s,orders\n1,2", "header")]
    public void A_samples_file_that_is_not_one_is_refused_saying_why(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => SamplesCsv.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private static async Task Until(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.False(limit.IsCancellationRequested, "no row within 10 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
