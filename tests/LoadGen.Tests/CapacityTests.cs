using System.CommandLine;
using ShopDapr.LoadGen.Capacity;
using ShopDapr.LoadGen.Cli;

namespace ShopDapr.LoadGen.Tests;

/// <summary>The capacity model: what it reads from manifests and a benchmark, and the autoscalers' documented rules it plays.</summary>
public sealed class CapacityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadgen-capacity-").FullName;

    private const string Manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: cart }
        spec:
          template:
            metadata:
              annotations: { dapr.io/app-id: cart, dapr.io/sidecar-cpu-request: "100m" }
            spec:
              containers:
                - name: cart
                  resources: { requests: { cpu: 250m } }
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: notifications }
        spec:
          template:
            metadata:
              annotations: { dapr.io/app-id: notifications, dapr.io/sidecar-cpu-request: "0.1" }
            spec:
              containers:
                - name: notifications
                  resources: { requests: { cpu: "1" } }
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: { name: cart }
        spec:
          minReplicas: 2
          maxReplicas: 20
          metrics:
            - type: Resource
              resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
          behavior:
            scaleDown: { stabilizationWindowSeconds: 120 }
        ---
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata: { name: notifications }
        spec:
          minReplicaCount: 2
          maxReplicaCount: 10
          triggers:
            - type: rabbitmq
              metadata: { mode: QueueLength, value: "500", queueName: notifications-order-events }
            - type: cpu
              metricType: Utilization
              metadata: { value: "80" }
        """;

    private const string SagaJson = """
        { "cpu": [
            { "process": "ShopDapr.DevSidecar", "cpuSeconds": 30, "msPerOrder": 30 },
            { "process": "ShopDapr.Cart", "cpuSeconds": 4, "msPerOrder": 4 },
            { "process": "ShopDapr.Notifications", "cpuSeconds": 6, "msPerOrder": 6 },
            { "process": "load generator (this process)", "cpuSeconds": 2, "msPerOrder": 2 },
            { "process": "total, shop only", "cpuSeconds": 40, "msPerOrder": 40 } ] }
        """;

    [Theory]
    [InlineData("250m", 0.25)]
    [InlineData("1", 1)]
    [InlineData("1.5", 1.5)]
    [InlineData("100m", 0.1)]
    public void Cpu_quantities_read_as_cores(string quantity, double cores) =>
        Assert.Equal(cores, ManifestReader.Cores(quantity, "test"), 9);

    [Fact]
    public void A_cpu_quantity_that_is_not_one_names_where_it_was()
    {
        var e = Assert.Throws<FormatException>(() => ManifestReader.Cores("lots", "Deployment cart: resources.requests.cpu"));
        Assert.Contains("Deployment cart", e.Message);
    }

    [Fact]
    public void Each_deployment_gets_its_pod_requests_and_its_autoscaler_bounds_targets_and_queues()
    {
        var apps = ManifestReader.Read(Manifests).ToDictionary(a => a.App);

        var cart = apps["cart"];
        Assert.Equal((0.25, 0.1, 2, 20, 0.7), (cart.AppCpuRequest, cart.SidecarCpuRequest, cart.MinReplicas, cart.MaxReplicas, cart.CpuTarget));
        Assert.Equal(TimeSpan.FromSeconds(120), cart.ScaleDownWindow);
        Assert.Empty(cart.Queues);
        var notifications = apps["notifications"];
        Assert.Equal((1.1, 2, 10, 0.8), (notifications.PodCpuRequest, notifications.MinReplicas, notifications.MaxReplicas, notifications.CpuTarget));
        Assert.Equal(new QueueTrigger("notifications-order-events", 500), Assert.Single(notifications.Queues));
        Assert.Equal(ManifestReader.DefaultScaleDownWindow, notifications.ScaleDownWindow);
    }

    [Fact]
    public void The_control_plane_requests_each_services_cpu_once_per_ha_replica()
    {
        const string values = """
            global: { ha: { enabled: true, replicaCount: 3 } }
            dapr_placement: { resources: { requests: { cpu: 250m } } }
            dapr_sentry: { resources: { requests: { cpu: 100m }, limits: { cpu: "1" } } }
            dapr_dashboard: { enabled: false }
            """;
        Assert.Equal(3 * (0.25 + 0.1), ControlPlane.RequestedCores(values), 9);
        Assert.Equal(0.25 + 0.1, ControlPlane.RequestedCores(values.Replace("enabled: true", "enabled: false")), 9);
    }

    [Fact]
    public void The_dev_sidecars_cpu_is_shared_among_the_apps_in_proportion_to_their_own()
    {
        var costs = OrderCost.FromSagaJson(SagaJson);

        Assert.Equal(["cart", "notifications"], costs.Keys.Order());
        Assert.Equal(0.004, costs["cart"].AppSeconds, 9);
        Assert.Equal(0.030 * 4 / 10, costs["cart"].SidecarSeconds, 9);
        Assert.Equal(0.030 * 6 / 10, costs["notifications"].SidecarSeconds, 9);
        Assert.Equal(0.040, costs.Values.Sum(c => c.Seconds), 9); // the shop's total, the load generator left out
    }

    [Fact]
    public void At_a_rate_an_app_needs_its_cpu_over_its_target_share_of_a_pods_request_within_its_bounds()
    {
        var apps = ManifestReader.Read(Manifests);
        var costs = OrderCost.FromSagaJson(SagaJson);
        var cart = apps.Single(a => a.App == "cart");

        // cart: 16 ms per order, a pod requests 350m, target 70 %: 100 orders/s → 1.6 cores ÷ 0.245 = 6.53 → 7.
        Assert.Equal((int)Math.Ceiling(100 * 0.016 / (0.7 * 0.35)), CapacityPlan.ReplicasFor(100, costs["cart"], cart));
        Assert.Equal(cart.MinReplicas, CapacityPlan.ReplicasFor(1, costs["cart"], cart));

        var plan = CapacityPlan.At(1000, apps, costs, controlPlaneCores: 2.4, nodeCores: 8);
        var cartRow = plan.Apps.Single(a => a.App == "cart");
        Assert.True(cartRow.OverMax);
        Assert.Equal((int)Math.Ceiling(1000 * 0.016 / (0.7 * 0.35)), cartRow.Replicas);
        Assert.Equal(cartRow.Replicas * 0.35, cartRow.RequestedCores, 9);
        Assert.Equal(plan.Apps.Sum(a => a.RequestedCores) + 2.4, plan.RequestedCores, 9);
        Assert.Equal(1000 * 0.040, plan.UsedCores, 9);
        Assert.Equal(Math.Max(3, (int)Math.Ceiling(plan.RequestedCores / 8)), plan.Nodes);
    }

    [Fact]
    public void At_a_steady_rate_the_autoscaler_settles_where_the_steady_state_model_says_and_nothing_waits()
    {
        var (apps, costs) = (ManifestReader.Read(Manifests), OrderCost.FromSagaJson(SagaJson));
        var moments = new AutoscalerSimulation(apps, costs, new AutoscalerSettings()).Run(_ => 60, TimeSpan.FromMinutes(20));

        var last = moments[^1];
        for (var i = 0; i < apps.Count; i++)
        {
            var expected = CapacityPlan.ReplicasFor(60, costs[apps[i].App], apps[i]);
            // Within the tolerance band the autoscaler leaves a count that is one off the exact ceiling.
            Assert.InRange(last.Apps[i].Replicas, expected, expected + 1);
            Assert.True(last.Apps[i].Backlog < 1, $"{apps[i].App} still has {last.Apps[i].Backlog:0} orders waiting");
        }
    }

    [Fact]
    public void A_surge_scales_up_no_faster_than_double_or_four_pods_a_sync_and_every_order_is_served_or_still_waiting()
    {
        var (apps, costs) = (ManifestReader.Read(Manifests), OrderCost.FromSagaJson(SagaJson));
        var settings = new AutoscalerSettings();
        var moments = new AutoscalerSimulation(apps, costs, settings).Run(t => t < TimeSpan.FromMinutes(2) ? 10 : 400, TimeSpan.FromMinutes(30));

        for (var i = 0; i < apps.Count; i++)
        {
            var replicas = moments.Select(m => m.Apps[i].Replicas).ToList();
            for (var n = 1; n < replicas.Count; n++)
                Assert.True(replicas[n] <= Math.Max(2 * replicas[n - 1], replicas[n - 1] + 4), $"{apps[i].App}: {replicas[n - 1]} → {replicas[n]} in one sync");
            var offered = moments.Sum(m => m.Offered) * settings.SyncPeriod.TotalSeconds;
            var served = moments.Sum(m => m.Apps[i].Served) * settings.SyncPeriod.TotalSeconds;
            Assert.Equal(offered, served + moments[^1].Apps[i].Backlog, 6);
        }
        Assert.True(moments.Any(m => m.Backlog > 0), "the surge found enough replicas waiting: no queue to test");
        Assert.Equal(apps.Single(a => a.App == "cart").MaxReplicas, moments[^1].Apps[apps.ToList().FindIndex(a => a.App == "cart")].Replicas);
    }

    [Fact]
    public void After_a_drop_replicas_stay_for_the_scale_down_window_then_follow()
    {
        var apps = ManifestReader.Read(Manifests).Where(a => a.App == "cart").ToList(); // window 120 s
        var costs = OrderCost.FromSagaJson(SagaJson);
        var drop = TimeSpan.FromMinutes(10);
        var moments = new AutoscalerSimulation(apps, costs, new AutoscalerSettings()).Run(t => t < drop ? 60 : 5, TimeSpan.FromMinutes(16));

        var before = moments.Last(m => m.At < drop).Apps[0].Replicas;
        Assert.True(before > apps[0].MinReplicas);
        Assert.All(moments.Where(m => m.At >= drop && m.At < drop + apps[0].ScaleDownWindow - TimeSpan.FromSeconds(30)),
            m => Assert.Equal(before, m.Apps[0].Replicas));
        Assert.Equal(apps[0].MinReplicas, moments[^1].Apps[0].Replicas);
    }

    [Fact]
    public void Within_the_tolerance_nothing_scales()
    {
        var cart = ManifestReader.Read(Manifests).Single(a => a.App == "cart") with { MinReplicas = 4 };
        var cost = new AppCost("cart", 0.016, 0);
        // 4 pods × 350m at 75 % (target 70 %: ratio 1.07, inside 0.1) → no change; at 80 % (1.14) one more.
        double Rate(double utilisation) => 4 * 0.35 * utilisation / 0.016;
        var costs = new Dictionary<string, AppCost> { ["cart"] = cost };
        Assert.Equal(4, new AutoscalerSimulation([cart], costs, new AutoscalerSettings()).Run(_ => Rate(0.75), TimeSpan.FromMinutes(5))[^1].Apps[0].Replicas);
        Assert.Equal(5, new AutoscalerSimulation([cart], costs, new AutoscalerSettings()).Run(_ => Rate(0.80), TimeSpan.FromMinutes(5))[^1].Apps[0].Replicas);
    }

    [Fact]
    public void A_queue_scaled_app_adds_a_replica_per_500_messages_of_backlog_its_orders_put_on_the_queue()
    {
        var notifications = ManifestReader.Read(Manifests).Single(a => a.App == "notifications") with { CpuTarget = 0 };
        var costs = new Dictionary<string, AppCost> { ["notifications"] = new("notifications", 0.011, 0) };
        var settings = new AutoscalerSettings { PodStartup = TimeSpan.FromHours(1) }; // no new pod helps: the queue only grows
        var moments = new AutoscalerSimulation([notifications], costs, settings).Run(_ => 205, TimeSpan.FromMinutes(4));

        // 2 pods × 1.1 cores ÷ 11 ms = 200 orders/s served of 205: 5 orders (25 messages) more waiting every second.
        var polled = moments.Where(m => m.At.TotalSeconds % settings.QueuePollInterval.TotalSeconds == 0).ToList();
        for (var n = 0; n < polled.Count; n++)
        {
            var expected = Math.Clamp((int)Math.Ceiling(polled[n].Apps[0].Backlog * 5 / 500), notifications.MinReplicas, notifications.MaxReplicas);
            Assert.Equal(expected, polled[n].Apps[0].Replicas);
        }
        Assert.Equal(notifications.MaxReplicas, moments[^1].Apps[0].Replicas);
    }

    [Fact]
    public void The_day_peaks_in_the_evening_and_the_flash_sale_reaches_its_multiple_within_a_minute()
    {
        var curve = new TrafficCurve(200, TimeSpan.FromHours(12), TimeSpan.FromMinutes(15), 3);
        Assert.Equal(200, curve.OrdersPerSecond(TimeSpan.FromHours(20)), 9);
        Assert.True(curve.OrdersPerSecond(TimeSpan.FromHours(4)) < 0.1 * 200);
        Assert.Equal(600, curve.OrdersPerSecond(TimeSpan.FromHours(12) + TrafficCurve.SaleRamp), 9);
        Assert.Equal(300, curve.OrdersPerSecond(TimeSpan.FromHours(12) + TrafficCurve.SaleRamp / 2), 9);
        var noSale = curve with { SaleFactor = 0 };
        Assert.Equal(noSale.OrdersPerSecond(TimeSpan.FromHours(12.25)), curve.OrdersPerSecond(TimeSpan.FromHours(12.25)), 9);
        Assert.Equal(200 * TrafficCurve.HourlyShape[12], noSale.OrdersPerSecond(TimeSpan.FromHours(12)), 9);
    }

    [Fact]
    public async Task The_command_prints_the_costs_the_capacity_table_the_day_and_draws_it()
    {
        var (cpu, manifests, svg) = (Path.Combine(_dir, "saga.json"), Path.Combine(_dir, "prod.yaml"), Path.Combine(_dir, "day.svg"));
        await File.WriteAllTextAsync(cpu, SagaJson, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(manifests, Manifests, TestContext.Current.CancellationToken);

        var (exit, output, error) = await RunAsync("capacity", "--cpu", cpu, "--manifests", manifests, "--rates", "100,1000", "--peak", "50", "--svg", svg);

        Assert.True(exit == 0, error);
        Assert.Contains("| cart | 16.0 ms (4.0 ms + 12.0 ms) | 250m + 100m | HPA: CPU 70 % | 2–20 |", output);
        Assert.Contains("| 100 orders/s: replicas | 1,000 orders/s: replicas |", output);
        Assert.Contains($"| cart | {CapacityPlan.ReplicasFor(100, new AppCost("cart", 0.004, 0.012), ManifestReader.Read(Manifests)[0])} | **66** (max 20) |", output);
        Assert.Contains("| 20:00 | 50 |", output);
        Assert.Contains("<svg", await File.ReadAllTextAsync(svg, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_manifest_file_that_is_not_yaml_is_named_and_the_exit_code_is_1()
    {
        var (cpu, manifests) = (Path.Combine(_dir, "saga.json"), Path.Combine(_dir, "broken.yaml"));
        await File.WriteAllTextAsync(cpu, SagaJson, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(manifests, "kind: [unclosed", TestContext.Current.CancellationToken);

        var (exit, _, error) = await RunAsync("capacity", "--cpu", cpu, "--manifests", manifests);

        Assert.Equal(LoadGenCommand.BadArguments, exit);
        Assert.Contains("broken.yaml", error);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await LoadGenCommand.RunAsync(args, new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }
}
