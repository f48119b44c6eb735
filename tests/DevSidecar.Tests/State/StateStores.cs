namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>The state stores every conformance test runs against, and their component YAML.</summary>
public static class StateStores
{
    public const string InMemory = "in-memory";
    public const string Sqlite = "sqlite";

    public static TheoryData<string> Kinds => [InMemory, Sqlite];

    /// <summary>A <c>statestore</c> component of the given kind; a sqlite database lives in <paramref name="data"/>.</summary>
    public static Dictionary<string, string> Resources(string kind, TempDir data, params (string Name, string Value)[] metadata) =>
        new() { ["state.yaml"] = Component("statestore", kind, data, metadata) };

    public static string Component(string name, string kind, TempDir data, params (string Name, string Value)[] metadata) => kind switch
    {
        InMemory => Yaml.Component(name, "state.in-memory", metadata),
        Sqlite => Yaml.Component(name, "state.sqlite", [("connectionString", data.File($"{name}.db")), .. metadata]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown store kind"),
    };
}
