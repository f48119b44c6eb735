using YamlDotNet.RepresentationModel;

namespace ShopDapr.LoadGen.Capacity;

/// <summary>The cores the Dapr control plane requests, from the Helm values the README installs it with.</summary>
public static class ControlPlane
{
    /// <summary>Σ over the chart's services (<c>dapr_*</c>) of their CPU request × <c>global.ha.replicaCount</c> (1 without HA).</summary>
    public static double RequestedCores(string valuesYaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(valuesYaml));
        if (stream.Documents.FirstOrDefault()?.RootNode is not YamlMappingNode root)
            throw new FormatException("the Helm values are not a YAML mapping");
        var ha = Scalar(root, "global", "ha", "enabled") == "true";
        var replicas = ha && int.TryParse(Scalar(root, "global", "ha", "replicaCount"), out var r) ? r : 1;
        return root.Children
            .Where(c => c.Key is YamlScalarNode { Value: { } key } && key.StartsWith("dapr_", StringComparison.Ordinal))
            .Select(c => Scalar(c.Value as YamlMappingNode, "resources", "requests", "cpu"))
            .Where(cpu => cpu is not null)
            .Sum(cpu => ManifestReader.Cores(cpu, "Helm values") * replicas);
    }

    private static string? Scalar(YamlMappingNode? node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out current))
                return null;
        }
        return (current as YamlScalarNode)?.Value;
    }
}
