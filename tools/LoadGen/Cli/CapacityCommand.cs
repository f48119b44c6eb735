using System.CommandLine;
using System.Globalization;
using ShopDapr.LoadGen.Capacity;

namespace ShopDapr.LoadGen.Cli;

/// <summary>
/// <c>shopdapr-load capacity</c>: from the CPU per order the saga benchmark measured and the manifests' requests and
/// autoscalers, the replicas and cores for given order rates, then a day's traffic (evening peak, a flash sale) played
/// against the autoscalers' rules: replicas over time and the orders that would queue.
/// </summary>
public static class CapacityCommand
{
    public static Command Create()
    {
        var cpu = new Option<FileInfo>("--cpu") { Description = "A saga benchmark's --json file (its cpu[] per process)", Required = true };
        var manifests = new Option<FileInfo>("--manifests") { Description = "The manifests rendered by `kubectl kustomize deploy/k8s/overlays/prod`", Required = true };
        var helm = new Option<FileInfo?>("--helm-values") { Description = "The Dapr control plane's Helm values (deploy/k8s/dapr/values-ha.yaml)" };
        var rates = new Option<string>("--rates") { Description = "Order rates for the capacity table, comma-separated", DefaultValueFactory = _ => "100,1000,10000" };
        var nodeCores = new Option<double>("--node-cores") { Description = "Allocatable cores of a node", DefaultValueFactory = _ => 8 };
        var peak = new Option<double>("--peak") { Description = "The day's evening peak, orders/s", DefaultValueFactory = _ => 100 };
        var saleAt = new Option<string>("--sale-at") { Description = "When the flash sale starts (hh:mm)", DefaultValueFactory = _ => "12:00" };
        var saleMinutes = new Option<double>("--sale-minutes") { Description = "How long the flash sale lasts", DefaultValueFactory = _ => 15 };
        var saleFactor = new Option<double>("--sale-factor") { Description = "The flash sale's rate as a multiple of the evening peak", DefaultValueFactory = _ => 3 };
        var startup = new Option<double>("--pod-startup") { Description = "Seconds from a scale-up decision to a new pod taking work", DefaultValueFactory = _ => 45 };
        var svg = new Option<FileInfo?>("--svg") { Description = "Also draw the simulated day as an SVG chart" };
        var command = new Command("capacity", "Replicas and cores per order rate, and a day's traffic against the autoscalers, from measured CPU per order")
        {
            cpu, manifests, helm, rates, nodeCores, peak, saleAt, saleMinutes, saleFactor, startup, svg,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            IReadOnlyDictionary<string, AppCost> costs;
            IReadOnlyList<AppScaling> apps;
            double controlPlane;
            double[] rateList;
            TimeSpan saleStart;
            var reading = "";
            try
            {
                reading = parse.GetValue(cpu)!.FullName;
                costs = OrderCost.FromSagaJson(await File.ReadAllTextAsync(reading, ct));
                reading = parse.GetValue(manifests)!.FullName;
                apps = ManifestReader.Read(await File.ReadAllTextAsync(reading, ct));
                reading = parse.GetValue(helm)?.FullName ?? "";
                controlPlane = reading.Length > 0 ? ControlPlane.RequestedCores(await File.ReadAllTextAsync(reading, ct)) : 0;
                reading = "--rates / --sale-at";
                rateList = [.. parse.GetValue(rates)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(r => double.Parse(r, NumberStyles.Float, CultureInfo.InvariantCulture))];
                saleStart = TimeSpan.ParseExact(parse.GetValue(saleAt)!, @"hh\:mm", CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or System.Text.Json.JsonException or YamlDotNet.Core.YamlException)
            {
                await error.WriteLineAsync($"error: {reading}: {e.Message}");
                return LoadGenCommand.BadArguments;
            }
            if (apps.Count == 0 || rateList.Length == 0 || rateList.Any(r => r <= 0) || parse.GetValue(nodeCores) <= 0 || parse.GetValue(peak) <= 0)
            {
                await error.WriteLineAsync("error: no Deployment in the manifests, or a rate, --node-cores or --peak that is not positive");
                return LoadGenCommand.BadArguments;
            }
            var unmeasured = apps.Where(a => !costs.ContainsKey(a.App)).Select(a => a.App).ToList();

            await output.WriteLineAsync("CPU per completed order (the benchmark's dev sidecar shared among the apps in proportion to their own CPU) and how each app scales:\n");
            await output.WriteLineAsync(CapacityReport.Costs(apps, costs));
            if (unmeasured.Count > 0)
                await output.WriteLineAsync($"Not in the benchmark (no CPU per order; held at their minimum): {string.Join(", ", unmeasured)}.\n");
            await output.WriteLineAsync($"Steady state at each rate (autoscalers at their CPU targets; control plane {controlPlane:0.0} cores requested):\n");
            var plans = rateList.Select(r => CapacityPlan.At(r, apps, costs, controlPlane, parse.GetValue(nodeCores))).ToList();
            await output.WriteLineAsync(CapacityReport.Table(plans, parse.GetValue(nodeCores)));

            var curve = new TrafficCurve(parse.GetValue(peak), saleStart, TimeSpan.FromMinutes(parse.GetValue(saleMinutes)), parse.GetValue(saleFactor));
            var settings = new AutoscalerSettings { PodStartup = TimeSpan.FromSeconds(parse.GetValue(startup)) };
            var moments = new AutoscalerSimulation(apps, costs, settings).Run(curve.OrdersPerSecond, TimeSpan.FromDays(1));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"A day: evening peak {curve.Peak:0} orders/s, a flash sale of {curve.SaleFactor:0.#} × that from {saleStart:hh\\:mm} for {curve.SaleLength.TotalMinutes:0} min (reached within a minute); pods take work {settings.PodStartup.TotalSeconds:0} s after a scale-up:\n"));
            await output.WriteLineAsync(CapacityReport.Day(moments, apps, curve));
            await output.WriteLineAsync(CapacityReport.Summary(moments, apps, settings.SyncPeriod));
            if (parse.GetValue(svg) is { } chart)
            {
                await using (var stream = File.Create(chart.FullName))
                    CapacityChart.WriteSvg(CapacityChart.Build(moments, apps, $"A day at a {curve.Peak:0} orders/s evening peak with a flash sale"), stream);
                await output.WriteLineAsync($"wrote {chart.FullName}");
            }
            return 0;
        });
        return command;
    }
}
