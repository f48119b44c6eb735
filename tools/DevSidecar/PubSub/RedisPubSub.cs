using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using ShopDapr.DevSidecar.Components;
using StackExchange.Redis;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// <c>pubsub.redis</c> on Redis Streams, in components-contrib's layout so daprd and the dev sidecar can share a Redis: a
/// topic is a stream, a message an entry with fields <c>data</c> and <c>metadata</c> (JSON), each app a consumer group
/// (<c>consumerID</c>, by default the app id) created from the start of the stream. A message is acknowledged (XACK) once
/// its handler returned; one whose handler failed stays pending and is claimed again (XCLAIM) once it has been pending
/// <c>processingTimeout</c>, looked for every <c>redeliverInterval</c>: at least once. <c>concurrency</c> messages per
/// subscription are in flight at once, <c>queueDepth</c> are read per round, <c>maxLenApprox</c> trims the stream.
/// </summary>
public sealed partial class RedisPubSub : IRedeliveringPubSub, IAsyncDisposable
{
    public static readonly string[] Fields =
    [
        .. RedisSettings.CommonFields, "consumerID", "redeliverInterval", "processingTimeout", "queueDepth", "concurrency",
        "maxLenApprox", "streamTTL", "allowedTopics", "publishingScopes", "subscriptionScopes", "protectedTopics",
    ];

    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Topic, string Group), Lazy<StreamConsumer>> _consumers = new();
    private readonly CancellationTokenSource _closed = new();

    public RedisPubSub(ComponentContext context, ILogger<RedisPubSub> logger)
    {
        context.RejectUnknown(Fields);
        if (context.Optional("streamTTL") is not null)
            throw context.Invalid("streamTTL", "is not supported by the dev sidecar (use maxLenApprox)");
        Name = context.Name;
        ConsumerId = context.Optional("consumerID");
        RedeliverInterval = Millis(context, "redeliverInterval", TimeSpan.FromSeconds(15));
        ProcessingTimeout = Millis(context, "processingTimeout", TimeSpan.FromSeconds(60));
        QueueDepth = Positive(context, "queueDepth", 100);
        Concurrency = Positive(context, "concurrency", 10);
        MaxLenApprox = context.Int("maxLenApprox", 0);
        _logger = logger;
        var settings = RedisSettings.Read(context);
        _redis = settings.Connect(context);
        _db = _redis.GetDatabase(settings.Options.DefaultDatabase ?? 0);
    }

    public string Name { get; }

    /// <summary>The consumer group every app of this component joins; null: each app its own, named by its app id.</summary>
    public string? ConsumerId { get; }

    public TimeSpan RedeliverInterval { get; }

    public TimeSpan ProcessingTimeout { get; }

    public int QueueDepth { get; }

    public int Concurrency { get; }

    public int MaxLenApprox { get; }

    /// <summary>Redelivery is off when either setting is 0, as in contrib.</summary>
    internal bool Redelivery => RedeliverInterval > TimeSpan.Zero && ProcessingTimeout > TimeSpan.Zero;

    internal IDatabase Database => _db;

    internal ILogger Logger => _logger;

    internal CancellationToken Closing => _closed.Token;

    public async Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        if (_closed.IsCancellationRequested)
            throw new PubSubClosedException();
        NameValueEntry[] fields =
        [
            new("data", message.Data.ToArray()),
            new("metadata", JsonSerializer.Serialize(message.Metadata)),
        ];
        await _db.StreamAddAsync(message.Topic, fields, maxLength: MaxLenApprox > 0 ? MaxLenApprox : null, useApproximateMaxLength: true)
            .WaitAsync(cancellationToken);
    }

    public IDisposable Subscribe(string topic, string consumerGroup, PubSubHandler handler)
    {
        ObjectDisposedException.ThrowIf(_closed.IsCancellationRequested, this);
        var group = ConsumerId ?? consumerGroup;
        var consumer = _consumers.GetOrAdd((topic, group), key => new Lazy<StreamConsumer>(() => new StreamConsumer(this, key.Topic, key.Group))).Value;
        consumer.Join(handler);
        return new Membership(consumer, handler);
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed.IsCancellationRequested)
            return;
        await _closed.CancelAsync();
        await Task.WhenAll(_consumers.Values.Where(c => c.IsValueCreated).Select(c => c.Value.StopAsync()));
        await _redis.DisposeAsync();
    }

    /// <summary>A number is milliseconds (contrib's legacy reading), anything else a Go duration.</summary>
    private static TimeSpan Millis(ComponentContext c, string field, TimeSpan fallback) =>
        c.Optional(field) is { } v && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : c.Duration(field, fallback);

    private static int Positive(ComponentContext c, string field, int fallback)
    {
        var v = c.Int(field, fallback);
        return v > 0 ? v : throw c.Invalid(field, $"'{v}' must be at least 1");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "pubsub.redis {Pubsub}: reading stream {Topic} for group {Group} failed; trying again")]
    internal partial void ReadFailed(Exception exception, string pubsub, string topic, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "pubsub.redis {Pubsub}: message {MessageId} on {Topic} (group {Group}) was not acknowledged; redelivered once pending {ProcessingTimeout}")]
    internal partial void NotAcknowledged(string pubsub, string messageId, string topic, string group, TimeSpan processingTimeout);

    private sealed class Membership(StreamConsumer consumer, PubSubHandler handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                consumer.Leave(handler);
        }
    }
}
