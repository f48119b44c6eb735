using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// Consistent hashing as Dapr's placement tables do it: every host owns <see cref="VirtualNodes"/> points on a 64-bit ring,
/// and a key belongs to the first point at or after its own hash. Adding or removing one host moves only the keys
/// of the arcs it gains or loses (about 1/n of them).
/// </summary>
public sealed class HashRing<T>
{
    public const int VirtualNodes = 100;

    private readonly ulong[] _points;
    private readonly T[] _owners;

    public HashRing(IReadOnlyList<(string Name, T Host)> hosts)
    {
        var points = new List<(ulong Point, T Host)>(hosts.Count * VirtualNodes);
        foreach (var (name, host) in hosts)
        {
            for (var i = 0; i < VirtualNodes; i++)
                points.Add((Hash($"{name}#{i}"), host));
        }
        points.Sort((a, b) => a.Point.CompareTo(b.Point));
        _points = points.Select(p => p.Point).ToArray();
        _owners = points.Select(p => p.Host).ToArray();
    }

    public bool IsEmpty => _points.Length == 0;

    /// <summary>The host owning <paramref name="key"/>; default when the ring is empty.</summary>
    public T? Locate(string key)
    {
        if (_points.Length == 0)
            return default;
        var index = Array.BinarySearch(_points, Hash(key));
        if (index < 0)
            index = ~index;
        return _owners[index == _points.Length ? 0 : index];
    }

    private static ulong Hash(string text)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }
}
