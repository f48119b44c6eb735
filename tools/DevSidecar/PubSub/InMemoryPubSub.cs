using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.MetadataApi;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// <c>pubsub.in-memory</c>: one instance per component definition in the process, so every logical sidecar that
/// loads the same file shares it. Each consumer group has a queue drained by a few workers (bounded concurrency);
/// a message goes to one handler of the group, round-robin. A message published while nobody subscribes is gone,
/// as with daprd's in-memory bus. A failed handler is logged by the component, as daprd's in-memory bus does.
/// </summary>
public sealed partial class InMemoryPubSub(ComponentContext context, ILogger<InMemoryPubSub> logger) : IPubSub, IComponentCapabilities, IAsyncDisposable
{
    /// <summary>Messages of one consumer group in flight at once.</summary>
    public const int DefaultConcurrency = 16;

    private readonly ConcurrentDictionary<(string Topic, string Group), Lazy<ConsumerGroup>> _groups = new();
    private readonly CancellationTokenSource _closed = new();

    public string Name { get; } = context.Name;

    public Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        if (_closed.IsCancellationRequested)
            throw new PubSubClosedException();
        foreach (var ((topic, _), group) in _groups)
        {
            if (Matches(topic, message.Topic))
                group.Value.Enqueue(message);
        }
        return Task.CompletedTask;
    }

    /// <summary>As daprd's in-memory bus: <c>orders.*</c> matches <c>orders.paid</c>, not <c>orders.</c> itself.</summary>
    public IReadOnlyList<string> Capabilities { get; } = ["SUBSCRIBE_WILDCARDS"];

    internal static bool Matches(string subscribed, string published) =>
        subscribed == published
        || (subscribed.EndsWith('*') && published.Length > subscribed.Length - 1 && published.StartsWith(subscribed[..^1], StringComparison.Ordinal));

    public IDisposable Subscribe(string topic, string consumerGroup, PubSubHandler handler)
    {
        ObjectDisposedException.ThrowIf(_closed.IsCancellationRequested, this);
        var group = _groups.GetOrAdd((topic, consumerGroup), key => new Lazy<ConsumerGroup>(() => new ConsumerGroup(this, key.Topic, key.Group))).Value;
        group.Join(handler);
        return new Membership(group, handler);
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed.IsCancellationRequested)
            return;
        await _closed.CancelAsync();
        await Task.WhenAll(_groups.Values.Where(g => g.IsValueCreated).Select(g => g.Value.StopAsync()));
        _closed.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "pubsub {Pubsub}: handler failed for a message on topic {Topic} (consumer {Group})")]
    private partial void HandlerFailed(Exception exception, string pubsub, string topic, string group);

    private sealed class ConsumerGroup
    {
        private readonly InMemoryPubSub _owner;
        private readonly Channel<PubSubMessage> _queue = Channel.CreateUnbounded<PubSubMessage>(new UnboundedChannelOptions { SingleWriter = false });
        private readonly Task[] _workers;
        private ImmutableArray<PubSubHandler> _handlers = [];
        private int _next;

        public ConsumerGroup(InMemoryPubSub owner, string topic, string group)
        {
            _owner = owner;
            Topic = topic;
            Group = group;
            _workers = Enumerable.Range(0, DefaultConcurrency).Select(_ => Task.Run(WorkAsync)).ToArray();
        }

        public string Topic { get; }
        public string Group { get; }

        public void Join(PubSubHandler handler) => ImmutableInterlocked.Update(ref _handlers, h => h.Add(handler));

        public void Leave(PubSubHandler handler) => ImmutableInterlocked.Update(ref _handlers, h => h.Remove(handler));

        /// <summary>Only while someone listens: messages for a group whose members all left are not kept.</summary>
        public void Enqueue(PubSubMessage message)
        {
            if (!_handlers.IsEmpty)
                _queue.Writer.TryWrite(message);
        }

        public async Task StopAsync()
        {
            _queue.Writer.TryComplete();
            await Task.WhenAll(_workers);
        }

        private async Task WorkAsync()
        {
            var ct = _owner._closed.Token;
            try
            {
                await foreach (var message in _queue.Reader.ReadAllAsync(ct))
                {
                    var handlers = _handlers;
                    if (handlers.IsEmpty)
                        continue;
                    var handler = handlers[(int)((uint)Interlocked.Increment(ref _next) % (uint)handlers.Length)];
                    try
                    {
                        await handler(message, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        _owner.HandlerFailed(e, _owner.Name, Topic, Group);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The component is closing; undelivered messages go with it, as with daprd's in-memory bus.
            }
        }
    }

    private sealed class Membership(ConsumerGroup group, PubSubHandler handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                group.Leave(handler);
        }
    }
}
