namespace ShopDapr.LoadGen.Capacity;

/// <summary>
/// One app at one order rate: the replicas it needs at its autoscaler's target, the cores they request and use, and the
/// autoscaler's maximum (below the need, the app saturates short of the rate until the maximum is raised).
/// </summary>
public sealed record AppCapacity(string App, int Replicas, int MaxReplicas, double RequestedCores, double UsedCores)
{
    public bool OverMax => Replicas > MaxReplicas;
}

/// <summary>The whole shop at one order rate, with the Dapr control plane.</summary>
public sealed record ShopCapacity(double OrdersPerSecond, IReadOnlyList<AppCapacity> Apps, double ControlPlaneCores, int Nodes)
{
    public double RequestedCores => Apps.Sum(a => a.RequestedCores) + ControlPlaneCores;
    public double UsedCores => Apps.Sum(a => a.UsedCores);
    public int Pods => Apps.Sum(a => a.Replicas);
}

/// <summary>
/// Steady state: an autoscaler on CPU settles where the pods' use is its target share of their requests, so an app needs
/// ⌈rate × CPU per order ÷ (target × a pod's request)⌉ replicas, within its autoscaler's bounds.
/// </summary>
public static class CapacityPlan
{
    /// <summary>The target used where an app's autoscaler names no CPU target (e.g. scaled on its queue only).</summary>
    public const double DefaultCpuTarget = 0.7;

    public static int ReplicasFor(double ordersPerSecond, AppCost cost, AppScaling scaling)
    {
        var target = scaling.CpuTarget > 0 ? scaling.CpuTarget : DefaultCpuTarget;
        var needed = (int)Math.Ceiling(Math.Round(ordersPerSecond * cost.Seconds / (target * scaling.PodCpuRequest), 9));
        return Math.Max(scaling.MinReplicas, needed);
    }

    public static ShopCapacity At(double ordersPerSecond, IReadOnlyList<AppScaling> apps, IReadOnlyDictionary<string, AppCost> costs,
        double controlPlaneCores, double nodeCores)
    {
        var rows = apps.Select(a =>
        {
            var cost = costs.GetValueOrDefault(a.App) ?? new AppCost(a.App, 0, 0);
            var replicas = ReplicasFor(ordersPerSecond, cost, a);
            return new AppCapacity(a.App, replicas, Math.Max(a.MaxReplicas, a.MinReplicas), replicas * a.PodCpuRequest, ordersPerSecond * cost.Seconds);
        }).ToList();
        var requested = rows.Sum(r => r.RequestedCores) + controlPlaneCores;
        // Three nodes at least: the control plane's three replicas and the apps' spread over zones.
        var nodes = Math.Max(3, (int)Math.Ceiling(requested / nodeCores));
        return new ShopCapacity(ordersPerSecond, rows, controlPlaneCores, nodes);
    }
}
