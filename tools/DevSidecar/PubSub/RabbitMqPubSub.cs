using System.Collections.Concurrent;
using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// <c>pubsub.rabbitmq</c> (RabbitMQ.Client 7) with components-contrib's naming, so daprd and the dev sidecar can share a
/// broker: a topic is an exchange (<c>exchangeKind</c>, fanout), each app a queue <c>{consumerID}-{topic}</c> bound to it
/// (<c>durable</c>, <c>deletedWhenUnused</c>), with <c>enableDeadLetter</c> a dead-letter exchange <c>dlx-{queue}</c> and
/// queue <c>dlq-{queue}</c>. A delivery is acknowledged once its handler returned and negatively acknowledged when it
/// failed, requeued when <c>requeueInFailure</c> (else RabbitMQ dead-letters or discards it); <c>prefetchCount</c> bounds
/// the unacknowledged deliveries of a consumer, <c>concurrency</c> (parallel or single) how many run at once.
/// </summary>
public sealed partial class RabbitMqPubSub : IRedeliveringPubSub, IAsyncDisposable
{
    public static readonly string[] Fields =
    [
        "consumerID", "connectionString", "protocol", "hostname", "host", "username", "password", "durable", "enableDeadLetter",
        "deletedWhenUnused", "autoAck", "requeueInFailure", "deliveryMode", "prefetchCount", "reconnectWaitSeconds", "maxLen",
        "maxLenBytes", "exchangeKind", "clientName", "heartBeat", "publisherConfirm", "saslExternal", "concurrency",
        "ttlInSeconds", "publishMessagePropertiesToMetadata", "caCert", "clientCert", "clientKey", "allowedTopics",
        "publishingScopes", "subscriptionScopes", "protectedTopics",
    ];

    private readonly IConnection _connection;
    private readonly IChannel _publishChannel;
    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> _exchanges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<RabbitMqConsumer>> _consumers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closed = new();

    public RabbitMqPubSub(ComponentContext context, ILogger<RabbitMqPubSub> logger)
    {
        context.RejectUnknown(Fields);
        foreach (var unsupported in (string[])["saslExternal", "caCert", "clientCert", "clientKey"])
        {
            if (context.Optional(unsupported) is { } v && !v.Equals("false", StringComparison.OrdinalIgnoreCase))
                throw context.Invalid(unsupported, "is not supported by the dev sidecar");
        }
        Name = context.Name;
        _logger = logger;
        ConsumerId = context.Optional("consumerID");
        Durable = context.Bool("durable", true);
        DeleteWhenUnused = context.Bool("deletedWhenUnused", true);
        EnableDeadLetter = context.Bool("enableDeadLetter", false);
        AutoAck = context.Bool("autoAck", false);
        RequeueInFailure = context.Bool("requeueInFailure", false);
        PrefetchCount = (ushort)Math.Clamp(context.Int("prefetchCount", 0), 0, 255);
        MaxLen = context.Int("maxLen", 0);
        MaxLenBytes = context.Int("maxLenBytes", 0);
        var mode = context.Int("deliveryMode", 0);
        if (mode is < 0 or > 2)
            throw context.Invalid("deliveryMode", "invalid RabbitMQ delivery mode, accepted values are between 0 and 2");
        Persistent = mode == 2;
        ExchangeKind = context.Optional("exchangeKind") ?? ExchangeType.Fanout;
        if (ExchangeKind is not (ExchangeType.Fanout or ExchangeType.Topic or ExchangeType.Direct or ExchangeType.Headers))
            throw context.Invalid("exchangeKind", $"invalid RabbitMQ exchange kind {ExchangeKind}");
        var single = (context.Optional("concurrency") ?? "parallel") switch
        {
            "parallel" => false,
            "single" => true,
            var other => throw context.Invalid("concurrency", $"'{other}' is neither parallel nor single"),
        };
        var uri = Address(context);
        var factory = new ConnectionFactory
        {
            Uri = uri,
            ClientProvidedName = context.Optional("clientName") ?? $"dapr-devsidecar-{context.Name}",
            AutomaticRecoveryEnabled = true,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            ConsumerDispatchConcurrency = single ? (ushort)1 : (ushort)16,
        };
        if (context.Optional("heartBeat") is not null)
            factory.RequestedHeartbeat = context.Duration("heartBeat", TimeSpan.FromSeconds(10));
        try
        {
            _connection = Task.Run(() => factory.CreateConnectionAsync()).GetAwaiter().GetResult();
            _publishChannel = Task.Run(() => _connection.CreateChannelAsync()).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or TimeoutException or IOException)
        {
            var refused = e.InnerException is AuthenticationFailureException || e is AuthenticationFailureException
                || e.ToString().Contains("ACCESS_REFUSED", StringComparison.Ordinal);
            throw context.Invalid("connectionString", string.Create(CultureInfo.InvariantCulture,
                $"cannot connect to RabbitMQ at {uri.Host}:{uri.Port}{uri.AbsolutePath} for {context.Type} component '{context.Name}': {(refused ? "the broker refused the credentials" : "the broker did not answer")}"));
        }
    }

    public string Name { get; }

    private readonly ILogger _logger;

    /// <summary>The queue prefix every app of this component shares; null: each app its own, named by its app id.</summary>
    public string? ConsumerId { get; }

    internal bool Durable { get; }

    internal bool DeleteWhenUnused { get; }

    internal bool EnableDeadLetter { get; }

    internal bool AutoAck { get; }

    internal bool RequeueInFailure { get; }

    internal ushort PrefetchCount { get; }

    internal int MaxLen { get; }

    internal int MaxLenBytes { get; }

    internal bool Persistent { get; }

    internal string ExchangeKind { get; }

    internal IConnection Connection => _connection;

    internal CancellationToken Closing => _closed.Token;

    public async Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        if (_closed.IsCancellationRequested)
            throw new PubSubClosedException();
        await _publishGate.WaitAsync(cancellationToken);
        try
        {
            await DeclareExchangeAsync(_publishChannel, message.Topic, cancellationToken);
            var properties = new BasicProperties
            {
                DeliveryMode = Persistent ? DeliveryModes.Persistent : DeliveryModes.Transient,
                ContentType = message.ContentType,
            };
            if (message.Metadata.TryGetValue("ttlInSeconds", out var ttl) && long.TryParse(ttl, out var seconds) && seconds > 0)
                properties.Expiration = (seconds * 1000).ToString(CultureInfo.InvariantCulture);
            var routingKey = message.Metadata.GetValueOrDefault("routingKey") ?? "";
            await _publishChannel.BasicPublishAsync(message.Topic, routingKey, false, properties, message.Data, cancellationToken);
        }
        finally
        {
            _publishGate.Release();
        }
    }

    internal async Task DeclareExchangeAsync(IChannel channel, string exchange, CancellationToken ct)
    {
        if (_exchanges.ContainsKey(exchange))
            return;
        await channel.ExchangeDeclareAsync(exchange, ExchangeKind, Durable, DeleteWhenUnused, cancellationToken: ct);
        _exchanges.TryAdd(exchange, 0);
    }

    public IDisposable Subscribe(string topic, string consumerGroup, PubSubHandler handler)
    {
        ObjectDisposedException.ThrowIf(_closed.IsCancellationRequested, this);
        var queue = $"{ConsumerId ?? consumerGroup}-{topic}";
        var consumer = _consumers.GetOrAdd(queue, q => new Lazy<RabbitMqConsumer>(() => new RabbitMqConsumer(this, topic, q))).Value;
        // Declared and bound before Subscribe returns, so an event published right after reaches the queue.
        Task.Run(() => consumer.JoinAsync(handler)).GetAwaiter().GetResult();
        return new Membership(consumer, handler);
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed.IsCancellationRequested)
            return;
        await _closed.CancelAsync();
        foreach (var consumer in _consumers.Values.Where(c => c.IsValueCreated))
            await consumer.Value.StopAsync();
        await _publishChannel.CloseAsync();
        await _connection.CloseAsync();
        _connection.Dispose();
    }

    /// <summary><c>connectionString</c> (amqp:// or amqps://), else <c>protocol</c>, <c>hostname</c>, <c>username</c>, <c>password</c>.</summary>
    private static Uri Address(ComponentContext c)
    {
        var text = c.Optional("connectionString") ?? c.Optional("host");
        if (text is null)
        {
            var builder = new UriBuilder(c.Optional("protocol") ?? "amqp", c.Optional("hostname") ?? "localhost")
            {
                UserName = Uri.EscapeDataString(c.Optional("username") ?? "guest"),
                Password = Uri.EscapeDataString(c.Optional("password") ?? "guest"),
            };
            return builder.Uri;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            throw c.Invalid("connectionString", "is not an amqp:// or amqps:// URI");
        if (c.Optional("protocol") is { } protocol && protocol != uri.Scheme)
            throw c.Invalid("protocol", $"protocol does not match connection string, protocol: {protocol}");
        return uri;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "pubsub.rabbitmq {Pubsub}: a message on queue {Queue} failed; nacked (requeue: {Requeue})")]
    internal partial void Nacked(string pubsub, string queue, bool requeue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pubsub.rabbitmq {Pubsub}: acknowledging on queue {Queue} failed")]
    internal partial void AckFailed(Exception exception, string pubsub, string queue);

    private sealed class Membership(RabbitMqConsumer consumer, PubSubHandler handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                consumer.Leave(handler);
        }
    }
}
