using System.Globalization;
using Npgsql;
using ShopDapr.Testing.Servers;

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
    public const string Redis = "redis";
    public const string Postgres = "postgres";
    private static readonly string[] Known = [Local, Redis, Postgres];
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
        var servers = new RunServers(Interlocked.Increment(ref _runs));
        foreach (var file in Directory.GetFiles(Path.Combine(source, Name)))
        {
            var copy = Path.Combine(mine, Path.GetFileName(file));
            if (file.EndsWith(".yaml", StringComparison.Ordinal))
                await File.WriteAllTextAsync(copy, await PointAtTestServersAsync(file, servers, cancellationToken), cancellationToken);
            else
                File.Copy(file, copy);
        }
    }

    /// <summary>The component's server metadata replaced by this process's test server; every other line as the repo has it.</summary>
    private static async Task<string> PointAtTestServersAsync(string file, RunServers servers, CancellationToken cancellationToken)
    {
        var stream = ComponentYaml.Load(file);
        foreach (var spec in ComponentYaml.ComponentSpecs(stream))
        {
            switch (ComponentYaml.Scalar(spec, "type"))
            {
                case "state.redis" or "pubsub.redis":
                    ComponentYaml.SetMetadata(spec, "redisHost", (await RedisServer.Shared).Host);
                    ComponentYaml.SetMetadata(spec, "redisDB", servers.RedisDatabase.ToString(CultureInfo.InvariantCulture));
                    break;
                case "state.postgresql":
                    ComponentYaml.SetMetadata(spec, "connectionString", await servers.PostgresAsync(cancellationToken));
                    break;
                case "pubsub.rabbitmq":
                    ComponentYaml.SetMetadata(spec, "connectionString", await servers.RabbitMqAsync());
                    break;
            }
        }
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>
    /// Where one run's components point, the same for every component of the run (its state stores share keys, its
    /// broker is one): a Redis database, a PostgreSQL database and a RabbitMQ virtual host of its own, made on first use.
    /// </summary>
    private sealed class RunServers(int run)
    {
        private string? _postgres;
        private string? _rabbitMq;

        public int RedisDatabase => 100 + run;

        public async Task<string> PostgresAsync(CancellationToken cancellationToken)
        {
            if (_postgres is not null)
                return _postgres;
            var server = await PostgresServer.Shared;
            var database = $"shop_{Environment.ProcessId}_{run}";
            await using var connection = new NpgsqlConnection(server.NpgsqlConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            return _postgres = server.ConnectionString(database: database);
        }

        public async Task<string> RabbitMqAsync() => _rabbitMq ??= (await RabbitMqServer.Shared).NextConnectionString();
    }

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
