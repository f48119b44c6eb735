using Microsoft.Extensions.Logging.Abstractions;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.PubSub;

namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>
/// <c>pubsub.test-faulty</c>, a test-only component: an in-memory broker whose publishes fail while a test says so
/// (for a topic, a number of times), so the outbox's behaviour under a broker that refuses a message can be driven.
/// </summary>
public sealed class FaultyPubSub : IPubSub, IAsyncDisposable
{
    public const string Type = "pubsub.test-faulty";

    private readonly InMemoryPubSub _inner;
    private Func<string, bool> _fails = _ => false;
    private int _failuresLeft;

    private FaultyPubSub(ComponentContext context) => _inner = new InMemoryPubSub(context, NullLogger<InMemoryPubSub>.Instance);

    /// <summary>Registers the type once for the test run (the catalog is process-wide).</summary>
    public static void Register() =>
        ComponentCatalog.Add(new ComponentCatalog.Entry(Type, "v1", c => new FaultyPubSub(c)));

    public int Refused;

    /// <summary>The next <paramref name="times"/> publishes to a topic matching <paramref name="topic"/> fail.</summary>
    public void Fail(Func<string, bool> topic, int times = int.MaxValue)
    {
        _fails = topic;
        Volatile.Write(ref _failuresLeft, times);
    }

    public Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        if (_fails(message.Topic) && Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            Interlocked.Increment(ref Refused);
            throw new IOException($"test broker refuses messages on {message.Topic}");
        }
        return _inner.PublishAsync(message, cancellationToken);
    }

    public IDisposable Subscribe(string topic, string consumerGroup, PubSubHandler handler) => _inner.Subscribe(topic, consumerGroup, handler);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
