using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.Bindings;

public sealed class CronBindingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static Dictionary<string, string> Cron(string schedule) =>
        new() { ["cron.yaml"] = Yaml.Component("retrain-schedule", "bindings.cron", ("schedule", schedule)) };

    [Theory]
    [InlineData("@every 1s")]
    [InlineData("* * * * * *")]
    [InlineData("*/1 * * * * *")]
    public async Task Cron_posts_to_the_app_route_named_after_the_binding(string schedule)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await TestApp.StartAsync();
        await using var dapr = await TestSidecar.StartAsync(Cron(schedule), app: app.Channel);

        await app.WaitForCallsAsync("/retrain-schedule", 2, Deadline, ct);

        Assert.All(app.Calls, c => Assert.Equal("/retrain-schedule", c.Path));
    }

    [Fact]
    public async Task Route_metadata_changes_the_path_the_app_is_called_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await TestApp.StartAsync();
        var resources = new Dictionary<string, string> { ["cron.yaml"] = Yaml.Component("retrain-schedule", "bindings.cron", ("schedule", "@every 1s"), ("route", "/jobs/retrain")) };
        await using var dapr = await TestSidecar.StartAsync(resources, app: app.Channel);

        await app.WaitForCallsAsync("/jobs/retrain", 1, Deadline, ct);

        Assert.DoesNotContain(app.Calls, c => c.Path == "/retrain-schedule");
    }

    [Fact]
    public async Task An_app_without_the_route_is_not_called_unless_direction_says_input()
    {
        var ct = TestContext.Current.CancellationToken;
        // OPTIONS answers 404 on /unrouted (no route at all) and on /forced (which takes POSTs).
        await using var app = await TestApp.StartAsync(["/ticker", "/forced"], refuseOptions: ["/forced"]);
        var resources = new Dictionary<string, string>
        {
            ["ticker.yaml"] = Yaml.Component("ticker", "bindings.cron", ("schedule", "@every 1s")),
            ["unrouted.yaml"] = Yaml.Component("unrouted", "bindings.cron", ("schedule", "@every 1s")),
            ["forced.yaml"] = Yaml.Component("forced", "bindings.cron", ("schedule", "@every 1s"), ("direction", "input")),
        };
        await using var dapr = await TestSidecar.StartAsync(resources, app: app.Channel);

        await app.WaitForCallsAsync("/ticker", 2, Deadline, ct);
        await app.WaitForCallsAsync("/forced", 1, Deadline, ct); // not probed: direction says input

        Assert.DoesNotContain(app.Calls, c => c.Path == "/unrouted");
    }

    [Fact]
    public async Task A_non_2xx_answer_is_logged_and_the_schedule_goes_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await TestApp.StartAsync();
        app.Status = 500;
        await using var dapr = await TestSidecar.StartAsync(Cron("@every 1s"), app: app.Channel);

        await app.WaitForCallsAsync("/retrain-schedule", 2, Deadline, ct);
    }

    [Fact]
    public async Task Each_app_gets_its_own_cron_schedule()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new SidecarCluster();
        await using var first = await TestApp.StartAsync();
        await using var second = await TestApp.StartAsync();
        using var resources = new TempDir();
        await File.WriteAllTextAsync(resources.File("cron.yaml"), Cron("@every 1s")["cron.yaml"], ct);
        await using var a = await TestSidecar.StartAsync(new Dictionary<string, string>(), "analytics", first.Channel, cluster, o => o with { ResourcesPaths = [resources.Path] });
        await using var b = await TestSidecar.StartAsync(new Dictionary<string, string>(), "notifications", second.Channel, cluster, o => o with { ResourcesPaths = [resources.Path] });

        await first.WaitForCallsAsync("/retrain-schedule", 1, Deadline, ct);
        await second.WaitForCallsAsync("/retrain-schedule", 1, Deadline, ct);
    }

    [Fact]
    public async Task Stopping_the_sidecar_stops_its_schedule()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stopped = await TestApp.StartAsync();
        await using var clock = await TestApp.StartAsync();
        await using var a = await TestSidecar.StartAsync(Cron("@every 1s"), "stops", stopped.Channel);
        await using var b = await TestSidecar.StartAsync(Cron("@every 1s"), "keeps-going", clock.Channel);
        await stopped.WaitForCallsAsync("/retrain-schedule", 1, Deadline, ct);

        await a.Sidecar.StopAsync(ct); // waits for the cron service to end
        var atStop = stopped.Calls.Count;
        var clockAtStop = clock.Calls.Count;
        await clock.WaitForCallsAsync("/retrain-schedule", clockAtStop + 3, Deadline, ct); // three more seconds pass

        Assert.Equal(atStop, stopped.Calls.Count);
    }

    [Theory]
    [InlineData("every five seconds")]
    [InlineData("61 * * * *")]
    [InlineData("@every soon")]
    [InlineData("* * * * * * *")]
    public async Task Bad_schedule_stops_start_up_naming_file_and_field(string schedule)
    {
        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(Cron(schedule)));

        Assert.EndsWith("cron.yaml", e.File);
        Assert.Equal("spec.metadata.schedule", e.Field);
        Assert.Contains(schedule, e.Problem);
    }

    [Fact]
    public async Task Missing_schedule_stops_start_up()
    {
        var e = await Assert.ThrowsAsync<ResourceException>(() =>
            TestSidecar.StartAsync(new Dictionary<string, string> { ["cron.yaml"] = Yaml.Component("retrain-schedule", "bindings.cron") }));

        Assert.Equal("spec.metadata.schedule", e.Field);
    }
}
