using System.Diagnostics;

namespace ShopDapr.EndToEnd.Tests.Fuzz;

/// <summary>Every key of the shop's state store with its ETag (a fresh one on every write), read from whichever store the run's component set names (<see cref="StateStoreDump"/>).</summary>
public sealed class StateSnapshot
{
    private StateSnapshot(Dictionary<string, string> etags) => ETags = etags;

    public IReadOnlyDictionary<string, string> ETags { get; }

    public static async Task<StateSnapshot> ReadAsync(string workDir, CancellationToken ct) =>
        new((await StateStoreDump.ReadAsync(workDir, ct)).ToDictionary(kv => kv.Key, kv => kv.Value.ETag, StringComparer.Ordinal));

    /// <summary>Reads until two reads a second apart agree (the shop has gone quiet), within <paramref name="limit"/>.</summary>
    public static async Task<StateSnapshot> ReadQuietAsync(string workDir, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var last = await ReadAsync(workDir, ct);
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var next = await ReadAsync(workDir, ct);
            if (next.Differences(last).Count == 0 || clock.Elapsed > limit)
                return next;
            last = next;
        }
    }

    /// <summary>Keys added, removed or rewritten since <paramref name="before"/>.</summary>
    public List<string> Differences(StateSnapshot before)
    {
        var changed = ETags.Where(kv => !before.ETags.TryGetValue(kv.Key, out var etag) || etag != kv.Value).Select(kv => $"{kv.Key} (written)");
        var removed = before.ETags.Keys.Where(k => !ETags.ContainsKey(k)).Select(k => $"{k} (deleted)");
        return [.. changed.Concat(removed)];
    }
}
