using YamlDotNet.RepresentationModel;

namespace ShopDapr.Solution.Tests;

/// <summary>The repository's files, found by walking up from the test binaries to ShopDapr.sln.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string File(string relative) => Path.Combine(Root, relative);

    public static YamlMappingNode Yaml(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(File(relative));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlNode? Get(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Scalar(this YamlMappingNode node, string key) => (node.Get(key) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlMappingNode> Items(this YamlMappingNode node, string key) =>
        (node.Get(key) as YamlSequenceNode)?.Children.Cast<YamlMappingNode>() ?? [];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "ShopDapr.sln")))
                return dir.FullName;
        throw new InvalidOperationException("ShopDapr.sln not found above " + AppContext.BaseDirectory);
    }
}
