using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.MetadataApi;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// <c>pubsub.in-memory</c>: one instance per component definition in the process, so every logical sidecar that
/// loads the same file shares it. Each consumer group has a bounded queue drained by a few workers (bounded concurrency);
/// a message goes to one handler of the group, round-robin, passed on by a replica whose app is down (<see cref="ReplicaHandlers"/>). A publish that finds a group's queue full waits for room
/// (back-pressure on the publisher) up to <c>publishTimeout</c>, then fails as a broker that refuses a message would;
/// memory never grows with a subscriber that falls behind. A message published while nobody subscribes is gone, as with
/// daprd's in-memory bus. A failed handler is logged by the component, as daprd's in-memory bus does.
/// Dev sidecar metadata (daprd's in-memory bus has none): <c>queueCapacity</c> (messages per consumer group, 1000),
/// <c>publishTimeout</c> (how long a publish waits for room, 10s).
/// </summary>
public sealed partial class InMemoryPubSub : IPubSub, IComponentCapabilities, IAsyncDisposable
{
    /// <summary>Messages of one consumer group in flight at once.</summary>
    public const int DefaultConcurrency = 16;

    public const int DefaultQueueCapacity = 1000;

    public static readonly TimeSpan DefaultPublishTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<(string Topic, string Group), Lazy<ConsumerGroup>> _groups = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly ILogger<InMemoryPubSub> _logger;
    private readonly InFlightWork _inFlight;

    public InMemoryPubSub(ComponentContext context, ILogger<InMemoryPubSub> logger)
    {
        _logger = logger;
        Name = context.Name;
        QueueCapacity = context.Int("queueCapacity", DefaultQueueCapacity);
        if (QueueCapacity < 1)
            throw context.Invalid("queueCapacity", $"'{QueueCapacity}' must be at least 1");
        PublishTimeout = context.Duration("publishTimeout", DefaultPublishTimeout);
        _inFlight = context.Services.GetService(typeof(InFlightWork)) as InFlightWork ?? new InFlightWork();
    }

    public string Name { get; }

    /// <summary>The most messages one consumer group's queue holds (deliveries in flight not counted).</summary>
    public int QueueCapacity { get; }

    public TimeSpan PublishTimeout { get; }

    /// <summary>Messages waiting in a consumer group's queue now (0 for an unknown group).</summary>
    public int Queued(string topic, string consumerGroup) =>
        _groups.TryGetValue((topic, consumerGroup), out var group) && group.IsValueCreated ? group.Value.Queued : 0;

    public async Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        if (_closed.IsCancellationRequested)
            throw new PubSubClosedException();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        deadline.CancelAfter(PublishTimeout);
        foreach (var ((topic, _), group) in _groups)
        {
            if (!Matches(topic, message.Topic))
                continue;
            try
            {
                await group.Value.EnqueueAsync(message, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_closed.IsCancellationRequested)
            {
                throw new PubSubQueueFullException(group.Value.Group, message.Topic, QueueCapacity, PublishTimeout);
            }
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "pubsub {Pubsub}: {Count} message(s) on topic {Topic} (consumer {Group}) were still queued when the component closed; they are lost")]
    private partial void LostOnClose(string pubsub, string topic, string group, int count);

    private sealed class ConsumerGroup
    {
        private readonly InMemoryPubSub _owner;
        private readonly Channel<PubSubMessage> _queue;
        private readonly Task[] _workers;
        private ImmutableArray<PubSubHandler> _handlers = [];
        private int _next;

        public ConsumerGroup(InMemoryPubSub owner, string topic, string group)
        {
            _owner = owner;
            Topic = topic;
            Group = group;
            _queue = Channel.CreateBounded<PubSubMessage>(new BoundedChannelOptions(owner.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleWriter = false,
            });
            _workers = Enumerable.Range(0, DefaultConcurrency).Select(_ => Task.Run(WorkAsync)).ToArray();
        }

        public string Topic { get; }
        public string Group { get; }

        public int Queued => _queue.Reader.Count;

        public void Join(PubSubHandler handler) => ImmutableInterlocked.Update(ref _handlers, h => h.Add(handler));

        public void Leave(PubSubHandler handler) => ImmutableInterlocked.Update(ref _handlers, h => h.Remove(handler));

        /// <summary>Only while someone listens: messages for a group whose members all left are not kept. Waits while the queue is full.</summary>
        public async ValueTask EnqueueAsync(PubSubMessage message, CancellationToken cancellationToken)
        {
            if (_handlers.IsEmpty)
                return;
            _owner._inFlight.Begin();
            try
            {
                if (!_queue.Writer.TryWrite(message))
                    await _queue.Writer.WriteAsync(message, cancellationToken);
            }
            catch
            {
                _owner._inFlight.End();
                throw;
            }
        }

        public async Task StopAsync()
        {
            _queue.Writer.TryComplete();
            await Task.WhenAll(_workers);
            var lost = 0;
            while (_queue.Reader.TryRead(out _))
            {
                lost++;
                _owner._inFlight.End();
            }
            if (lost > 0)
                _owner.LostOnClose(_owner.Name, Topic, Group, lost);
        }

        private async Task WorkAsync()
        {
            var ct = _owner._closed.Token;
            try
            {
                await foreach (var message in _queue.Reader.ReadAllAsync(ct))
                {
                    try
                    {
                        await DeliverAsync(message, ct);
                    }
                    finally
                    {
                        _owner._inFlight.End();
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The component is closing; what is still queued is counted as lost in StopAsync.
            }
        }

        private async Task DeliverAsync(PubSubMessage message, CancellationToken ct)
        {
            if (_handlers.IsEmpty)
                return;
            try
            {
                await ReplicaHandlers.DeliverAsync(() => _handlers, Interlocked.Increment(ref _next), message, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _owner.HandlerFailed(e, _owner.Name, Topic, Group);
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
