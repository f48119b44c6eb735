using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Hosting;

/// <summary>When an app counts as down: at once on a refused connection, after three failed health checks in a row.</summary>
public sealed class AppHealthTests
{
    [Fact]
    public void A_refused_connection_takes_the_app_out_and_any_answer_lets_it_back_in()
    {
        var health = new AppHealth("a");

        health.ReportRefused("Connection refused");
        Assert.True(health.IsDown);
        Assert.Equal("Connection refused", health.Reason);

        health.ReportAnswered();
        Assert.False(health.IsDown);
        Assert.Null(health.Reason);
    }

    [Fact]
    public void Only_three_failed_health_checks_in_a_row_take_the_app_out_and_only_a_healthy_check_lets_it_back_in()
    {
        var health = new AppHealth("a");

        health.ReportUnhealthy("503");
        health.ReportUnhealthy("503");
        health.ReportHealthy();
        health.ReportUnhealthy("503");
        health.ReportUnhealthy("503");
        Assert.False(health.IsDown);

        health.ReportUnhealthy("503");
        Assert.True(health.IsDown);
        health.ReportAnswered(); // the app answers calls, but its health check said no
        Assert.True(health.IsDown);

        health.ReportHealthy();
        Assert.False(health.IsDown);
    }
}
