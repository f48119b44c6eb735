namespace ShopDapr.DevSidecar.PubSub;

/// <summary>One message on a topic: the bytes daprd hands the broker (usually a CloudEvent) and its metadata.</summary>
public sealed record PubSubMessage(string Topic, ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string> Metadata, string? ContentType = null);

/// <summary>Handles one delivered message; throwing tells the broker the message failed.</summary>
public delegate Task PubSubHandler(PubSubMessage message, CancellationToken cancellationToken);

/// <summary>
/// The pub/sub component contract. Every consumer group (an app id) gets each message of a topic once; the handlers
/// that join one group (replicas of an app) compete, one of them gets it.
/// </summary>
public interface IPubSub
{
    Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken);

    /// <summary>Joins <paramref name="consumerGroup"/> on <paramref name="topic"/>; dispose to leave.</summary>
    IDisposable Subscribe(string topic, string consumerGroup, PubSubHandler handler);
}

/// <summary>The component is shut down; publishing to it fails.</summary>
public sealed class PubSubClosedException() : Exception("component is closed");

/// <summary>A consumer group's queue stayed full for the whole publish timeout: the broker refuses the message.</summary>
public sealed class PubSubQueueFullException(string group, string topic, int capacity, TimeSpan waited)
    : Exception($"the queue of consumer group '{group}' for topic '{topic}' is full ({capacity} messages) and had no room within {waited.TotalSeconds:0.###}s");

/// <summary>
/// A broker that keeps a message until its handler returns: a handler that throws leaves it unacknowledged, and the
/// broker delivers it again later (at least once). The subscription side then reports a delivery that neither reached
/// the app nor a dead-letter topic by throwing <see cref="MessageNotDeliveredException"/>, instead of logging it lost.
/// </summary>
public interface IRedeliveringPubSub : IPubSub;

/// <summary>The message reached neither the app nor a dead-letter topic: a redelivering broker keeps it for another try.</summary>
public sealed class MessageNotDeliveredException(string reason) : Exception(reason);
