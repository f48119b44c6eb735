using Microsoft.Extensions.Time.Testing;
using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.Tests;

public sealed class StepRecorderTests
{
    [Fact]
    public void Summary_has_count_rate_percentiles_and_max_in_milliseconds()
    {
        var step = new StepRecorder("checkout");
        foreach (var ms in Enumerable.Range(1, 200).Reverse())
            step.Success(TimeSpan.FromMilliseconds(ms));

        var summary = step.Summarize(TimeSpan.FromSeconds(4));

        Assert.Equal(200, summary.Count);
        Assert.Equal(50, summary.PerSecond);
        Assert.Equal(100, summary.P50Ms);
        Assert.Equal(190, summary.P95Ms);
        Assert.Equal(198, summary.P99Ms);
        Assert.Equal(200, summary.MaxMs);
        Assert.Equal(0, summary.Errors);
    }

    [Fact]
    public async Task Samples_from_many_shoppers_at_once_are_all_kept()
    {
        var step = new StepRecorder("browse");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
                step.Success(TimeSpan.FromMilliseconds(1));
        }, TestContext.Current.CancellationToken)));

        Assert.Equal(40_000, step.Summarize(TimeSpan.FromSeconds(1)).Count);
    }

    [Fact]
    public void Errors_are_counted_and_the_first_five_described()
    {
        var step = new StepRecorder("add to cart");
        for (var i = 1; i <= 7; i++)
            step.Failure($"POST /api/cart/items: 503 #{i}");

        var summary = step.Summarize(TimeSpan.FromSeconds(1));

        Assert.Equal(7, summary.Errors);
        Assert.Equal(0, summary.Count);
        Assert.Null(summary.P50Ms);
        Assert.Equal(["#1", "#2", "#3", "#4", "#5"], summary.FirstErrors.Select(e => e[^2..]));
    }

    [Fact]
    public void Completions_count_toward_the_rate_only_inside_the_measured_window()
    {
        var time = new FakeTimeProvider();
        var metrics = new LoadMetrics(time);
        metrics.OrderCompleted();                      // warm-up
        Assert.False(metrics.WindowIsOpen);

        metrics.OpenWindow();
        time.Advance(TimeSpan.FromSeconds(2));
        metrics.OrderCompleted();
        metrics.OrderCompleted();
        metrics.OrderCancelled();
        time.Advance(TimeSpan.FromSeconds(2));
        metrics.CloseWindow();
        metrics.OrderCompleted();                      // a journey draining after the window
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(4, metrics.Completed);
        Assert.Equal(2, metrics.CompletedInWindow);
        Assert.Equal(1, metrics.CancelledInWindow);
        Assert.Equal(TimeSpan.FromSeconds(4), metrics.Window);
        Assert.Equal(0.5, Percentiles.Rate(metrics.CompletedInWindow, metrics.Window));
    }
}
