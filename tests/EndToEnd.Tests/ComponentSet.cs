using System.Globalization;
using Npgsql;
using ShopDapr.Testing.Servers;
using YamlDotNet.RepresentationModel;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// The component set the suite runs the shop on, from <c>SHOP_COMPONENT_SET</c>: <c>local</c> (the default run: SQLite
/// state and in-memory pub/sub inside the dev sidecar), <c>redis</c> (what <c>dapr init</c> gives) or <c>postgres</c>
/// (PostgreSQL state, RabbitMQ pub/sub). A run gets the repo's own YAML of that set with nothing changed but the server
/// addresses: the real servers this test process starts (Debian packages, free loopback ports, stopped with the process),
/// and for each run a Redis database, a PostgreSQL database and a RabbitMQ virtual host of its own, so runs side by side
/// never share data. test.sh runs the end-to-end suite once per set.
/// </summary>
public static class ComponentSet
{
    public const string Local = "local";
    private static readonly string[] Known = [Local, "redis", "postgres"];
    private static int _runs;

    public static string Name { get; } = Read();

    /// <summary>The set's folder as the run file names it (<c>components/local</c> in the repo's <c>dapr.yaml</c>).</summary>
    public static string Folder(string set) => $"components/{set}";

    /// <summary>
    /// Lays out <c>workDir/components</c>: on the local set a link to the repo's folder; on another, links to the repo's
    /// sets (components/redis's secret store reads components/local/secrets.json) and this run's set written beside them.
    /// </summary>
    public static async Task PrepareAsync(string repoRoot, string workDir, CancellationToken cancellationToken)
    {
        var target = Path.Combine(workDir, "components");
        var source = Path.Combine(repoRoot, "components");
        if (Name == Local)
        {
            Directory.CreateSymbolicLink(target, source);
            return;
        }
        Directory.CreateDirectory(target);
        foreach (var set in Directory.GetDirectories(source).Where(d => Path.GetFileName(d) != Name))
            Directory.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(set)), set);
        var mine = Directory.CreateDirectory(Path.Combine(target, Name)).FullName;
        var run = Interlocked.Increment(ref _runs);
        foreach (var file in Directory.GetFiles(Path.Combine(source, Name)))
        {
            var copy = Path.Combine(mine, Path.GetFileName(file));
            if (file.EndsWith(".yaml", StringComparison.Ordinal))
                await File.WriteAllTextAsync(copy, await PointAtTestServersAsync(await File.ReadAllTextAsync(file, cancellationToken), run, cancellationToken), cancellationToken);
            else
                File.Copy(file, copy);
        }
    }

    /// <summary>The component's server metadata replaced by this process's test server; every other line as the repo has it.</summary>
    private static async Task<string> PointAtTestServersAsync(string yaml, int run, CancellationToken cancellationToken)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root || Scalar(root, "kind") != "Component")
                continue;
            var spec = (YamlMappingNode)root["spec"];
            switch (Scalar(spec, "type"))
            {
                case "state.redis" or "pubsub.redis":
                    var redis = await RedisServer.Shared;
                    SetMetadata(spec, "redisHost", redis.Host);
                    SetMetadata(spec, "redisDB", RedisDatabase(run).ToString(CultureInfo.InvariantCulture));
                    break;
                case "state.postgresql":
                    SetMetadata(spec, "connectionString", await PostgresDatabaseAsync(run, cancellationToken));
                    break;
                case "pubsub.rabbitmq":
                    SetMetadata(spec, "connectionString", (await RabbitMqServer.Shared).NextConnectionString());
                    break;
            }
        }
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>One Redis database per run, shared by its state store and its pub/sub (as on one <c>dapr init</c> Redis).</summary>
    private static int RedisDatabase(int run) => 100 + run;

    /// <summary>One database per run, made on first use: every state store of the run's YAML reads and writes the same keys.</summary>
    private static async Task<string> PostgresDatabaseAsync(int run, CancellationToken cancellationToken)
    {
        var made = RunDatabases.GetOrAdd(run, r => new Lazy<Task<string>>(() => CreatePostgresDatabaseAsync(r, cancellationToken)));
        return await made.Value;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<Task<string>>> RunDatabases = new();

    private static async Task<string> CreatePostgresDatabaseAsync(int run, CancellationToken cancellationToken)
    {
        var server = await PostgresServer.Shared;
        var database = $"shop_{Environment.ProcessId}_{run}";
        await using var connection = new NpgsqlConnection(server.NpgsqlConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return server.ConnectionString(database: database);
    }

    private static void SetMetadata(YamlMappingNode spec, string name, string value)
    {
        if (!spec.Children.TryGetValue("metadata", out var node) || node is not YamlSequenceNode metadata)
            spec.Children[new YamlScalarNode("metadata")] = metadata = new YamlSequenceNode();
        var entry = metadata.Children.OfType<YamlMappingNode>().FirstOrDefault(m => Scalar(m, "name") == name);
        if (entry is null)
            metadata.Children.Add(entry = new YamlMappingNode { { "name", name } });
        entry.Children[new YamlScalarNode("value")] = new YamlScalarNode(value) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted };
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? (value as YamlScalarNode)?.Value : null;

    private static string Read()
    {
        var set = Environment.GetEnvironmentVariable("SHOP_COMPONENT_SET");
        if (string.IsNullOrWhiteSpace(set))
            return Local;
        return Known.Contains(set)
            ? set
            : throw new InvalidOperationException($"SHOP_COMPONENT_SET={set}: not a component set this suite runs on ({string.Join(", ", Known)})");
    }
}
