using System.Text.Json.Nodes;

namespace ShopDapr.LoadGen.Capacity;

/// <summary>CPU one completed order costs an app: its own process and its share of the sidecars (seconds of one core).</summary>
public sealed record AppCost(string App, double AppSeconds, double SidecarSeconds)
{
    public double Seconds => AppSeconds + SidecarSeconds;
}

/// <summary>
/// The CPU per order of every app from a saga benchmark's <c>--json</c> file (<c>cpu[]</c>: each process's
/// <c>msPerOrder</c>). Locally one dev sidecar process serves every app; in a cluster each pod has its own daprd. The
/// model gives each app a share of the dev sidecar's CPU in proportion to the app's own CPU per order — an assumption
/// (a sidecar's work follows its app's calls), stated with the figures.
/// </summary>
public static class OrderCost
{
    private const string AppPrefix = "ShopDapr.";
    private const string Sidecar = "ShopDapr.DevSidecar";

    public static IReadOnlyDictionary<string, AppCost> FromSagaJson(string json)
    {
        var cpu = JsonNode.Parse(json)?["cpu"] as JsonArray ?? throw new FormatException("no cpu[] in the benchmark's JSON (run it with --watch-pid)");
        var perProcess = cpu.OfType<JsonObject>()
            .Select(p => (Process: p["process"]?.GetValue<string>() ?? "", Ms: p["msPerOrder"]?.GetValue<double>() ?? 0))
            .Where(p => p.Process.StartsWith(AppPrefix, StringComparison.Ordinal))
            .ToList();
        var sidecarMs = perProcess.Where(p => p.Process == Sidecar).Sum(p => p.Ms);
        var apps = perProcess.Where(p => p.Process != Sidecar)
            .Select(p => (App: p.Process[AppPrefix.Length..].ToLowerInvariant(), p.Ms)).ToList();
        if (apps.Count == 0)
            throw new FormatException("the benchmark's JSON names no ShopDapr app process");
        var appsMs = apps.Sum(a => a.Ms);
        return apps.ToDictionary(a => a.App,
            a => new AppCost(a.App, a.Ms / 1000, appsMs > 0 ? sidecarMs * a.Ms / appsMs / 1000 : 0), StringComparer.Ordinal);
    }
}
