
namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>
/// The state stores every conformance test runs against, and their component YAML. The server-backed ones use the one
/// server of the test run (started on first use) with a database or table of their own per component written.
/// </summary>
public static class StateStores
{
    public const string InMemory = "in-memory";
    public const string Sqlite = "sqlite";
    public const string Redis = "redis";
    public const string Postgres = "postgresql";

    public static TheoryData<string> Kinds => [InMemory, Sqlite, Redis, Postgres];

    /// <summary>The actor state stores the actor and workflow tests run on: the in-memory baseline and the server-backed ones.</summary>
    public static TheoryData<string> ActorKinds => [InMemory, Redis, Postgres];

    /// <summary>Stores that outlive the process.</summary>
    public static TheoryData<string> DurableKinds => [Sqlite, Redis, Postgres];

    /// <summary>An actor state store of the given kind, for the actor and workflow tests.</summary>
    public static Dictionary<string, string> ActorStore(string kind, TempDir data) => Resources(kind, data, ("actorStateStore", "true"));

    /// <summary>Stores whose expiry follows the sidecar's TimeProvider (a test can fake the clock).</summary>
    public static TheoryData<string> SidecarClockKinds => [InMemory, Sqlite, Postgres];

    /// <summary>Stores whose server expires keys by its own clock.</summary>
    public static TheoryData<string> ServerClockKinds => [Redis];

    /// <summary>A <c>statestore</c> component of the given kind; a sqlite database lives in <paramref name="data"/>.</summary>
    public static Dictionary<string, string> Resources(string kind, TempDir data, params (string Name, string Value)[] metadata) =>
        new() { ["state.yaml"] = Component("statestore", kind, data, metadata) };

    public static string Component(string name, string kind, TempDir data, params (string Name, string Value)[] metadata) => kind switch
    {
        InMemory => Yaml.Component(name, "state.in-memory", metadata),
        Sqlite => Yaml.Component(name, "state.sqlite", [("connectionString", data.File($"{name}.db")), .. metadata]),
        Redis => Yaml.Component(name, "state.redis", [.. RedisMetadata(), .. metadata]),
        Postgres => Yaml.Component(name, "state.postgresql", [.. PostgresMetadata(), .. metadata]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown store kind"),
    };

    /// <summary>An ETag as the store makes them: a UUID, or contrib Redis's version number.</summary>
    public static bool IsStoreETag(string kind, string etag) => kind switch
    {
        Redis => long.TryParse(etag, out _),
        Postgres => uint.TryParse(etag, out _), // contrib's v1: the row's xmin
        _ => Guid.TryParse(etag, out _),
    };

    /// <summary><c>redisHost</c> of the shared server and a database of its own.</summary>
    public static (string, string)[] RedisMetadata() =>
        [("redisHost", Server(RedisServer.Binary, "redis-server", () => RedisServer.Shared).Host), ("redisDB", $"{RedisServer.NextDatabase()}")];

    /// <summary><c>connectionString</c> of the shared PostgreSQL and a table of its own.</summary>
    public static (string, string)[] PostgresMetadata() =>
        [("connectionString", Server(PostgresServer.BinDir, "postgresql", () => PostgresServer.Shared).ConnectionString()), ("tableName", PostgresServer.NextTable())];

    /// <summary>The shared server, started off the test's thread; the test is skipped, saying why, when the package is missing.</summary>
    public static T Server<T>(string? binary, string package, Func<Task<T>> shared)
    {
        if (binary is null)
            Assert.Skip($"{package} is not installed (Debian package listed in tests/apt-packages.txt; ./test.sh installs it)");
        return Task.Run(shared).GetAwaiter().GetResult();
    }
}
