using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ShopDapr.DevSidecar.Resources;

/// <summary>
/// Reads every YAML file of the resources paths, as daprd does: each document is one resource,
/// sorted by <c>kind</c>. Kinds daprd knows but this sidecar does not support yet are reported, never fatal.
/// </summary>
public static class ResourceLoader
{
    /// <summary>Kinds the sidecar reads, and the type each is read into. Features add theirs here.</summary>
    private static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
    {
        ["Component"] = typeof(ComponentResource),
        ["Subscription"] = typeof(PubSub.Subscriptions.SubscriptionResource),
        ["Resiliency"] = typeof(Resiliency.ResiliencyResource),
        ["Configuration"] = typeof(Config.ConfigurationResource),
    };

    /// <summary>Kinds daprd accepts in a resources path that this sidecar skips (with a log line).</summary>
    private static readonly HashSet<string> KnownKinds = new(StringComparer.Ordinal)
    {
        "Component", "Subscription", "Resiliency", "Configuration", "HTTPEndpoint",
    };

    internal static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static void Register<T>(string kind) where T : ResourceDocument => Kinds[kind] = typeof(T);

    public static ResourceSet Load(IEnumerable<string> paths, Action<string>? report = null)
    {
        var set = new ResourceSet();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                LoadFile(path, set, report);
                continue;
            }
            if (!Directory.Exists(path))
                throw new ResourceException(path, "resourcesPath", "folder does not exist");
            foreach (var file in Directory.EnumerateFiles(path)
                         .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                         .Order(StringComparer.Ordinal))
            {
                LoadFile(file, set, report);
            }
        }
        set.Validate();
        return set;
    }

    public static void LoadFile(string file, ResourceSet set, Action<string>? report = null)
    {
        var text = File.ReadAllText(file);
        var headers = ReadDocuments(file, text, _ => typeof(ResourceDocument)).Cast<ResourceDocument>().ToList();
        var typed = ReadDocuments(file, text, i =>
        {
            var kind = headers[i].Kind;
            if (string.IsNullOrWhiteSpace(kind))
                throw new ResourceException(file, "kind", "is required");
            return Kinds.GetValueOrDefault(kind) ?? typeof(ResourceDocument);
        });
        foreach (var doc in typed.Cast<ResourceDocument>())
        {
            doc.SourceFile = file;
            doc.Normalize();
            if (Kinds.ContainsKey(doc.Kind!))
            {
                if (string.IsNullOrWhiteSpace(doc.Metadata.Name))
                    throw new ResourceException(file, "metadata.name", $"is required for a {doc.Kind}");
                set.Add(doc);
            }
            else if (KnownKinds.Contains(doc.Kind!))
            {
                report?.Invoke($"{file}: kind {doc.Kind} is not supported by the dev sidecar yet; ignored");
            }
            else
            {
                report?.Invoke($"{file}: kind {doc.Kind} is not a Dapr resource; ignored");
            }
        }
    }

    private static List<object> ReadDocuments(string file, string text, Func<int, Type> typeOf)
    {
        var result = new List<object>();
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            var index = 0;
            while (parser.Accept<DocumentStart>(out _))
            {
                var type = typeOf(index++);
                var doc = Yaml.Deserialize(parser, type);
                if (doc is not null)
                    result.Add(doc);
            }
        }
        catch (YamlException e)
        {
            throw new ResourceException(file, $"line {e.Start.Line}, column {e.Start.Column}", e.InnerException?.Message ?? e.Message);
        }
        return result;
    }
}
