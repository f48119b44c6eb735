namespace ShopDapr.ServiceDefaults;

/// <summary>Shared answers to hot state keys: spreading records over buckets, and backing off after a lost ETag race.</summary>
public static class StateContention
{
    /// <summary>The bucket (0 … <paramref name="buckets"/> − 1) of an id: its first byte, the same in every process.</summary>
    public static int BucketOf(Guid id, int buckets)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return bytes[0] % buckets;
    }

    /// <summary>
    /// A random, growing wait after losing attempt <paramref name="attempt"/> (from 0) of an ETag race, so writers of one
    /// key spread out instead of colliding again in lockstep: up to 5 ms, doubling to at most 320 ms.
    /// </summary>
    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(0, 5 * Math.Min(1 << Math.Min(attempt, 6), 64) + 1));
}
