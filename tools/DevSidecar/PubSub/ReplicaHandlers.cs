using System.Collections.Immutable;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// A replica's handler refuses a message because its app is down (<see cref="Hosting.AppHealth"/>): the message was not
/// delivered, and goes to another replica of the app, as daprd stops a replica's subscriptions while its app is unhealthy.
/// Permanent for the delivery's own retry policy: the message is not this replica's to retry.
/// </summary>
public sealed class ReplicaUnavailableException(string appId, string? reason)
    : Resiliency.PermanentFailureException($"app {appId} is down ({reason ?? "not answering"}): the message goes to another replica");

/// <summary>How every broker hands a message to one of the replicas of the consuming app.</summary>
internal static class ReplicaHandlers
{
    /// <summary>How often a message nobody can take (every replica's app is down) is offered again.</summary>
    internal static TimeSpan RetryWhenAllDown { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Round-robin from <paramref name="start"/>: a replica whose app is down passes the message on to the next; when all
    /// are down it waits until one is back (or <paramref name="cancellationToken"/> ends). False when no handler is left.
    /// </summary>
    public static async Task<bool> DeliverAsync(Func<ImmutableArray<PubSubHandler>> handlers, int start, PubSubMessage message, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = handlers();
            if (current.IsEmpty)
                return false;
            for (var i = 0; i < current.Length; i++)
            {
                try
                {
                    await current[(int)((uint)(start + i) % (uint)current.Length)](message, cancellationToken);
                    return true;
                }
                catch (ReplicaUnavailableException)
                {
                    // next replica
                }
            }
            await Task.Delay(RetryWhenAllDown, cancellationToken);
        }
    }
}
