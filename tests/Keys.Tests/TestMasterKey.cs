using System.Collections.Concurrent;
using System.Security.Cryptography;
using ShopDapr.Keys.Infrastructure;

namespace ShopDapr.Keys.Tests;

/// <summary>
/// Stands in for the sidecar's cryptography API where a test runs without one: AES-256-GCM under a key only this object
/// holds. It remembers every material it wrapped, so a test can look for each in a dump of the state store.
/// </summary>
public sealed class TestMasterKey : IMasterKey
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public ConcurrentBag<byte[]> Wrapped { get; } = [];

    public Task<byte[]> WrapAsync(ReadOnlyMemory<byte> material, CancellationToken cancellationToken)
    {
        Wrapped.Add(material.ToArray());
        var output = new byte[12 + material.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(output.AsSpan(0, 12), material.Span, output.AsSpan(12, material.Length), output.AsSpan(12 + material.Length));
        return Task.FromResult(output);
    }

    public Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken)
    {
        var bytes = wrapped.Span;
        var material = new byte[bytes.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(bytes[..12], bytes.Slice(12, material.Length), bytes[(12 + material.Length)..], material);
        return Task.FromResult(material);
    }
}
