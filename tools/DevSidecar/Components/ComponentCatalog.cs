namespace ShopDapr.DevSidecar.Components;

/// <summary>The component types the dev sidecar implements, by Dapr type name (<c>state.sqlite</c>) and version.</summary>
public static class ComponentCatalog
{
    /// <param name="SharedAs">
    /// For a shared component whose instance depends on a path (a SQLite file): what makes two definitions one instance,
    /// so apps with different working directories share it only when the path resolves to the same file.
    /// </param>
    public sealed record Entry(string Type, string Version, Func<ComponentContext, object> Create, bool SharedAcrossApps = true,
        Func<ComponentContext, string>? SharedAs = null);

    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal);

    static ComponentCatalog()
    {
        State.StateComponents.Register(Add);
        Secrets.SecretComponents.Register(Add);
        Bindings.BindingComponents.Register(Add);
        PubSub.PubSubComponents.Register(Add);
        Crypto.CryptoComponents.Register(Add);
    }

    public static IReadOnlyCollection<Entry> All => Entries.Values;

    public static void Add(Entry entry) => Entries[$"{entry.Type}/{entry.Version}"] = entry;

    public static Entry? Find(string type, string version) => Entries.GetValueOrDefault($"{type}/{version}");

    public static bool KnowsType(string type) => Entries.Values.Any(e => e.Type == type);
}
