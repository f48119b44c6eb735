using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>What a worker is asked to do: run an instance's next turn, or run one scheduled activity.</summary>
internal abstract record WorkTicket(string InstanceId);

internal sealed record TurnTicket(string InstanceId) : WorkTicket(InstanceId);

internal sealed record ActivityTicket(string InstanceId, string ExecutionId, int TaskId) : WorkTicket(InstanceId);

/// <summary>An activity another app's workflow routed here (TargetAppId); its result goes back to <paramref name="Origin"/>.</summary>
internal sealed record RemoteActivityTicket(string InstanceId, Dapr.DurableTask.Protobuf.ActivityRequest Request, WorkflowEngine Origin)
    : WorkTicket(InstanceId);

/// <summary>
/// The work waiting for the app's workers (GetWorkItems streams). A ticket handed to a stream stays in flight
/// under its completion token until the worker completes it; when the stream goes away first, its in-flight
/// tickets go back into the queue, so an app that dies mid-activity gets the work again when it reconnects.
/// </summary>
internal sealed class WorkQueue
{
    private readonly Channel<WorkTicket> _queue = Channel.CreateUnbounded<WorkTicket>();
    private readonly ConcurrentDictionary<string, (WorkTicket Ticket, Guid Stream)> _inFlight = new(StringComparer.Ordinal);

    public void Enqueue(WorkTicket ticket) => _queue.Writer.TryWrite(ticket);

    public ValueTask<WorkTicket> NextAsync(CancellationToken cancellationToken) => _queue.Reader.ReadAsync(cancellationToken);

    public void MarkInFlight(string token, WorkTicket ticket, Guid stream) => _inFlight[token] = (ticket, stream);

    private int _streams;
    private TaskCompletionSource _streamsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Worker streams (GetWorkItems) currently open on any replica of the app.</summary>
    public int OpenStreams => Volatile.Read(ref _streams);

    public void StreamOpened() => StreamsChanged(Interlocked.Increment(ref _streams));

    public void StreamClosed() => StreamsChanged(Interlocked.Decrement(ref _streams));

    private void StreamsChanged(int _) =>
        Interlocked.Exchange(ref _streamsChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes once at least <paramref name="count"/> worker streams are open (e.g. every replica's worker).</summary>
    public async Task WaitForStreamsAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _streamsChanged).Task;
            if (OpenStreams >= count)
                return;
            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Forgets a completed ticket; false when the token is unknown (already completed or re-queued).</summary>
    public bool Complete(string token) => _inFlight.TryRemove(token, out _);

    /// <summary>The stream closed: its unfinished tickets go back to the queue; returns them.</summary>
    public List<(string Token, WorkTicket Ticket)> CloseStream(Guid stream)
    {
        var orphans = new List<(string, WorkTicket)>();
        foreach (var (token, item) in _inFlight)
        {
            if (item.Stream == stream && _inFlight.TryRemove(token, out _))
                orphans.Add((token, item.Ticket));
        }
        return orphans;
    }
}
