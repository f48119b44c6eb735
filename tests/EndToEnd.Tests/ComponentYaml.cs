using YamlDotNet.RepresentationModel;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>Reading and editing Dapr component files (one or more YAML documents each) for the suite's component sets.</summary>
internal static class ComponentYaml
{
    /// <summary>The <c>spec</c> of every Component document in <paramref name="stream"/>.</summary>
    public static IEnumerable<YamlMappingNode> ComponentSpecs(YamlStream stream) =>
        stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()
            .Where(root => Scalar(root, "kind") == "Component" && root.Children.ContainsKey("spec"))
            .Select(root => (YamlMappingNode)root["spec"]);

    public static YamlStream Load(string file)
    {
        var stream = new YamlStream();
        using var reader = File.OpenText(file);
        stream.Load(reader);
        return stream;
    }

    /// <summary>A metadata entry's plain value; null when absent (or read from a secret).</summary>
    public static string? Metadata(YamlMappingNode spec, string name) =>
        spec.Children.TryGetValue("metadata", out var node) && node is YamlSequenceNode metadata
            ? metadata.Children.OfType<YamlMappingNode>().Where(m => Scalar(m, "name") == name).Select(m => Scalar(m, "value")).FirstOrDefault()
            : null;

    /// <summary>Sets (or adds) a metadata entry's value.</summary>
    public static void SetMetadata(YamlMappingNode spec, string name, string value)
    {
        if (!spec.Children.TryGetValue("metadata", out var node) || node is not YamlSequenceNode metadata)
            spec.Children[new YamlScalarNode("metadata")] = metadata = new YamlSequenceNode();
        var entry = metadata.Children.OfType<YamlMappingNode>().FirstOrDefault(m => Scalar(m, "name") == name);
        if (entry is null)
            metadata.Children.Add(entry = new YamlMappingNode { { "name", name } });
        entry.Children[new YamlScalarNode("value")] = new YamlScalarNode(value) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted };
    }

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? (value as YamlScalarNode)?.Value : null;
}
