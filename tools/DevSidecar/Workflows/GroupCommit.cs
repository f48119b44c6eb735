using System.Threading.Channels;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// Writes to the state store in the order they were queued, folding every write that waits meanwhile into one
/// transaction (the last write of a key wins), so many workflow changes cost one commit.
/// </summary>
internal sealed class GroupCommit : IDisposable
{
    private const int MaxWritesPerCommit = 512;

    private readonly IStateStore _store;
    private readonly Channel<(IReadOnlyList<StateOperation> Ops, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(IReadOnlyList<StateOperation>, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    public GroupCommit(IStateStore store)
    {
        _store = store;
        _ = Task.Run(WriteLoopAsync);
    }

    public Task WriteAsync(IReadOnlyList<StateOperation> ops)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((ops, done)))
            done.SetException(new ObjectDisposedException(nameof(GroupCommit)));
        return done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var group = new List<(IReadOnlyList<StateOperation> Ops, TaskCompletionSource Done)>();
            while (group.Count < MaxWritesPerCommit && reader.TryRead(out var write))
                group.Add(write);
            var latest = new Dictionary<string, StateOperation>(StringComparer.Ordinal);
            foreach (var op in group.SelectMany(w => w.Ops))
                latest[op.Key] = op;
            try
            {
                await _store.TransactAsync(latest.Values.ToList(), CancellationToken.None);
                foreach (var write in group)
                    write.Done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var write in group)
                    write.Done.TrySetException(e);
            }
        }
    }

    public void Dispose() => _queue.Writer.TryComplete();
}
