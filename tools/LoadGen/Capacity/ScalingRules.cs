using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ShopDapr.LoadGen.Capacity;

/// <summary>A queue an app is scaled on (a KEDA trigger): its name and the backlog one replica is given.</summary>
public sealed record QueueTrigger(string Queue, double MessagesPerReplica);

/// <summary>
/// How one app scales in the rendered manifests: a pod's CPU requests (the app's container and its Dapr sidecar, from the
/// <c>dapr.io/sidecar-cpu-request</c> annotation), the autoscaler's bounds, its CPU target (a HorizontalPodAutoscaler or a
/// KEDA <c>cpu</c> trigger: utilisation of the pod's requests) and the queues a KEDA ScaledObject watches.
/// </summary>
public sealed record AppScaling(
    string App, double AppCpuRequest, double SidecarCpuRequest, int MinReplicas, int MaxReplicas, double CpuTarget,
    IReadOnlyList<QueueTrigger> Queues, TimeSpan ScaleDownWindow)
{
    /// <summary>Cores a pod requests (its app and its sidecar).</summary>
    public double PodCpuRequest => AppCpuRequest + SidecarCpuRequest;
}

/// <summary>Reads <see cref="AppScaling"/> for every app from manifests rendered by <c>kubectl kustomize</c>.</summary>
public static class ManifestReader
{
    /// <summary>Kubernetes' default scale-down stabilisation window.</summary>
    public static readonly TimeSpan DefaultScaleDownWindow = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<AppScaling> Read(string renderedYaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(renderedYaml));
        var docs = stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
        var scalers = docs.Where(d => Kind(d) is "HorizontalPodAutoscaler" or "ScaledObject")
            .ToDictionary(d => Text(d, "metadata", "name") ?? "", StringComparer.Ordinal);
        var apps = new List<AppScaling>();
        foreach (var deployment in docs.Where(d => Kind(d) == "Deployment"))
        {
            var name = Text(deployment, "metadata", "name") ?? throw new FormatException("a Deployment without metadata.name");
            var template = Node(deployment, "spec", "template") as YamlMappingNode ?? throw new FormatException($"Deployment {name}: no spec.template");
            var app = Text(template, "metadata", "annotations", "dapr.io/app-id") ?? name;
            var containers = Node(template, "spec", "containers") as YamlSequenceNode ?? throw new FormatException($"Deployment {name}: no containers");
            var appCpu = Cores(Text((YamlMappingNode)containers.Children[0], "resources", "requests", "cpu"), $"Deployment {name}: resources.requests.cpu");
            var sidecarCpu = Cores(Text(template, "metadata", "annotations", "dapr.io/sidecar-cpu-request"), $"Deployment {name}: dapr.io/sidecar-cpu-request");
            var replicas = int.TryParse(Text(deployment, "spec", "replicas"), out var r) ? r : 1;
            apps.Add(scalers.TryGetValue(name, out var scaler)
                ? FromScaler(app, appCpu, sidecarCpu, scaler)
                : new AppScaling(app, appCpu, sidecarCpu, replicas, replicas, 0, [], DefaultScaleDownWindow));
        }
        return apps;
    }

    private static AppScaling FromScaler(string app, double appCpu, double sidecarCpu, YamlMappingNode scaler)
    {
        var window = double.TryParse(Text(scaler, "spec", "behavior", "scaleDown", "stabilizationWindowSeconds")
                ?? Text(scaler, "spec", "advanced", "horizontalPodAutoscalerConfig", "behavior", "scaleDown", "stabilizationWindowSeconds"),
            NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : DefaultScaleDownWindow;
        if (Kind(scaler) == "HorizontalPodAutoscaler")
        {
            var cpu = (Node(scaler, "spec", "metrics") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>()
                .Select(m => Text(m, "resource", "target", "averageUtilization")).FirstOrDefault(v => v is not null);
            return new AppScaling(app, appCpu, sidecarCpu, Int(Text(scaler, "spec", "minReplicas"), 1), Int(Text(scaler, "spec", "maxReplicas"), 1),
                Int(cpu, 0) / 100.0, [], window);
        }
        var triggers = (Node(scaler, "spec", "triggers") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>().ToList() ?? [];
        var cpuTarget = triggers.Where(t => Text(t, "type") == "cpu").Select(t => Int(Text(t, "metadata", "value"), 0) / 100.0).FirstOrDefault();
        var queues = triggers.Where(t => Text(t, "metadata", "queueName") is not null)
            .Select(t => new QueueTrigger(Text(t, "metadata", "queueName")!, Int(Text(t, "metadata", "value"), 1))).ToList();
        return new AppScaling(app, appCpu, sidecarCpu, Int(Text(scaler, "spec", "minReplicaCount"), 0), Int(Text(scaler, "spec", "maxReplicaCount"), 100),
            cpuTarget, queues, window);
    }

    /// <summary>A Kubernetes CPU quantity in cores: <c>250m</c> = 0.25, <c>1</c> = 1, <c>1.5</c> = 1.5.</summary>
    public static double Cores(string? quantity, string where)
    {
        if (quantity is { Length: > 1 } q && q.EndsWith('m') && double.TryParse(q[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var milli))
            return milli / 1000;
        if (double.TryParse(quantity, NumberStyles.Float, CultureInfo.InvariantCulture, out var cores))
            return cores;
        throw new FormatException($"{where}: '{quantity}' is not a CPU quantity");
    }

    private static int Int(string? text, int fallback) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string? Kind(YamlMappingNode doc) => Text(doc, "kind");

    private static string? Text(YamlMappingNode node, params string[] path) => (Node(node, path) as YamlScalarNode)?.Value;

    private static YamlNode? Node(YamlMappingNode node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out current))
                return null;
        }
        return current;
    }
}
