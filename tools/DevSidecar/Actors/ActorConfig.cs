using System.Text.Json;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>Reentrancy as an app declares it in <c>/dapr/config</c>.</summary>
public sealed record ReentrancyConfig(bool Enabled, int MaxStackDepth)
{
    public const int DefaultMaxStackDepth = 32;

    public static readonly ReentrancyConfig Disabled = new(false, DefaultMaxStackDepth);
}

/// <summary>The settings one actor type runs with: the app-wide ones, overridden by its <c>entitiesConfig</c> entry.</summary>
public sealed record ActorTypeConfig(TimeSpan IdleTimeout, ReentrancyConfig Reentrancy);

/// <summary>
/// What an app answers on <c>GET /dapr/config</c> (dapr <c>pkg/config/app_configuration.go</c>): the actor types it hosts,
/// idle timeout and scan interval, draining, reentrancy, and per-type overrides. Durations are Go durations (the .NET SDK
/// writes <c>1h0m0s0ms</c>); an unreadable one falls back to daprd's default, as daprd does.
/// </summary>
public sealed class ActorHostConfig
{
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(60);
    public static readonly TimeSpan DefaultScanInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultDrainOngoingCallTimeout = TimeSpan.FromSeconds(60);

    public static readonly ActorHostConfig None = new([], DefaultScanInterval, DefaultDrainOngoingCallTimeout, true, new Dictionary<string, ActorTypeConfig>());

    private readonly IReadOnlyDictionary<string, ActorTypeConfig> _types;

    private ActorHostConfig(IReadOnlyList<string> entities, TimeSpan scanInterval, TimeSpan drainOngoingCallTimeout, bool drainRebalancedActors,
        IReadOnlyDictionary<string, ActorTypeConfig> types)
    {
        Entities = entities;
        ScanInterval = scanInterval;
        DrainOngoingCallTimeout = drainOngoingCallTimeout;
        DrainRebalancedActors = drainRebalancedActors;
        _types = types;
    }

    public IReadOnlyList<string> Entities { get; }

    public TimeSpan ScanInterval { get; }

    public TimeSpan DrainOngoingCallTimeout { get; }

    public bool DrainRebalancedActors { get; }

    public bool Hosts(string actorType) => _types.ContainsKey(actorType);

    public ActorTypeConfig For(string actorType) => _types[actorType];

    /// <summary>The shortest idle timeout of any hosted type (the scanner never needs to look more often than that).</summary>
    public TimeSpan ShortestIdleTimeout => _types.Count == 0 ? DefaultIdleTimeout : _types.Values.Min(t => t.IdleTimeout);

    public static ActorHostConfig Parse(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return None;

        var entities = Strings(root, "entities");
        var idle = Duration(root, "actorIdleTimeout") ?? DefaultIdleTimeout;
        var scan = Duration(root, "actorScanInterval") ?? DefaultScanInterval;
        var drain = Duration(root, "drainOngoingCallTimeout") ?? DefaultDrainOngoingCallTimeout;
        var drainRebalanced = !root.TryGetProperty("drainRebalancedActors", out var d) || d.ValueKind != JsonValueKind.False;
        var reentrancy = Reentrancy(root) ?? ReentrancyConfig.Disabled;

        var types = new Dictionary<string, ActorTypeConfig>(StringComparer.Ordinal);
        foreach (var entity in entities)
            types[entity] = new ActorTypeConfig(idle, reentrancy);
        if (root.TryGetProperty("entitiesConfig", out var overrides) && overrides.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in overrides.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
            {
                var typeIdle = Duration(entry, "actorIdleTimeout") ?? idle;
                var typeReentrancy = Reentrancy(entry) ?? reentrancy;
                foreach (var entity in Strings(entry, "entities").Where(types.ContainsKey))
                    types[entity] = new ActorTypeConfig(typeIdle, typeReentrancy);
            }
        }
        return new ActorHostConfig(entities, scan > TimeSpan.Zero ? scan : DefaultScanInterval, drain, drainRebalanced, types);
    }

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).Where(s => s.Length > 0).Distinct().ToList()
            : [];

    private static TimeSpan? Duration(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && GoDuration.TryParse(v.GetString(), out var t) && t > TimeSpan.Zero
            ? t
            : null;

    private static ReentrancyConfig? Reentrancy(JsonElement e)
    {
        if (!e.TryGetProperty("reentrancy", out var r) || r.ValueKind != JsonValueKind.Object)
            return null;
        var enabled = r.TryGetProperty("enabled", out var en) && en.ValueKind == JsonValueKind.True;
        var depth = r.TryGetProperty("maxStackDepth", out var md) && md.ValueKind == JsonValueKind.Number && md.TryGetInt32(out var n) && n > 0
            ? n
            : ReentrancyConfig.DefaultMaxStackDepth;
        return new ReentrancyConfig(enabled, depth);
    }
}
