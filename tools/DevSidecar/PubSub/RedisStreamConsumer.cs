using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using StackExchange.Redis;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// One consumer group on one stream: a read loop (XREADGROUP with <c>&gt;</c>, polled, since a multiplexed connection
/// cannot block) and a reclaim loop (XPENDING, then XCLAIM of what has been pending <c>processingTimeout</c>). Each message
/// runs on one handler of the group (round-robin over the replicas), at most <c>concurrency</c> at once, and is
/// acknowledged only when the handler returned.
/// </summary>
internal sealed class StreamConsumer
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(200);

    private readonly RedisPubSub _owner;
    private readonly string _topic;
    private readonly string _group;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop;
    private readonly Task _reader;
    private readonly Task _reclaimer;
    private ImmutableArray<PubSubHandler> _handlers = [];
    private int _next;

    public StreamConsumer(RedisPubSub owner, string topic, string group)
    {
        _owner = owner;
        _topic = topic;
        _group = group;
        _slots = new SemaphoreSlim(owner.Concurrency, owner.Concurrency);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(owner.Closing);
        CreateGroup();
        _reader = Task.Run(ReadLoopAsync);
        _reclaimer = owner.Redelivery ? Task.Run(ReclaimLoopAsync) : Task.CompletedTask;
    }

    public void Join(PubSubHandler handler) => ImmutableInterlocked.Update(ref _handlers, h => h.Add(handler));

    public void Leave(PubSubHandler handler) => ImmutableInterlocked.Update(ref _handlers, h => h.Remove(handler));

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_reader, _reclaimer);
        // Let the deliveries in flight end (they were cancelled): what they did not acknowledge stays pending.
        for (var i = 0; i < _owner.Concurrency; i++)
            await _slots.WaitAsync();
    }

    /// <summary>From the start of the stream (<c>0</c>) and with the stream made if missing, as contrib does.</summary>
    private void CreateGroup()
    {
        try
        {
            _owner.Database.StreamCreateConsumerGroup(_topic, _group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists: this app has read the stream before, it resumes where it was.
        }
    }

    private async Task ReadLoopAsync()
    {
        var ct = _stop.Token;
        var idle = TimeSpan.FromMilliseconds(10);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (_handlers.IsEmpty)
                {
                    await Task.Delay(MaxPoll, ct);
                    continue;
                }
                var entries = await _owner.Database.StreamReadGroupAsync(_topic, _group, _group, StreamPosition.NewMessages, _owner.QueueDepth);
                if (entries.Length == 0)
                {
                    await Task.Delay(idle, ct);
                    idle = TimeSpan.FromMilliseconds(Math.Min(idle.TotalMilliseconds * 2, MaxPoll.TotalMilliseconds));
                    continue;
                }
                idle = TimeSpan.FromMilliseconds(10);
                foreach (var entry in entries)
                    await DispatchAsync(entry, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException e)
            {
                _owner.ReadFailed(e, _owner.Name, _topic, _group);
                if (e.Message.Contains("NOGROUP", StringComparison.Ordinal))
                    CreateGroup();
                await DelayQuietly(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    private async Task ReclaimLoopAsync()
    {
        var ct = _stop.Token;
        using var timer = new PeriodicTimer(_owner.RedeliverInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await ReclaimAsync(ct);
                }
                catch (RedisException e)
                {
                    _owner.ReadFailed(e, _owner.Name, _topic, _group);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task ReclaimAsync(CancellationToken ct)
    {
        var timeout = (long)_owner.ProcessingTimeout.TotalMilliseconds;
        var pending = await _owner.Database.StreamPendingMessagesAsync(_topic, _group, _owner.QueueDepth, RedisValue.Null);
        var due = pending.Where(p => p.IdleTimeInMilliseconds >= timeout && !_inFlight.ContainsKey(p.MessageId!)).Select(p => p.MessageId).ToArray();
        if (due.Length == 0)
            return;
        var claimed = await _owner.Database.StreamClaimAsync(_topic, _group, _group, timeout, due);
        var found = claimed.Where(e => !e.IsNull).Select(e => (string)e.Id!).ToHashSet(StringComparer.Ordinal);
        // Entries trimmed or deleted from the stream meanwhile can never be delivered: acknowledge them away.
        var gone = due.Where(id => !found.Contains((string)id!)).ToArray();
        if (gone.Length > 0)
            await _owner.Database.StreamAcknowledgeAsync(_topic, _group, gone);
        foreach (var entry in claimed.Where(e => !e.IsNull))
            await DispatchAsync(entry, ct);
    }

    /// <summary>Waits for a free slot, then delivers in the background; the slot is given back when the handler ends.</summary>
    private async Task DispatchAsync(StreamEntry entry, CancellationToken ct)
    {
        var id = (string)entry.Id!;
        if (!_inFlight.TryAdd(id, 0))
            return;
        try
        {
            await _slots.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            _inFlight.TryRemove(id, out _);
            throw;
        }
        _ = Task.Run(() => DeliverAsync(id, entry, ct), CancellationToken.None);
    }

    private async Task DeliverAsync(string id, StreamEntry entry, CancellationToken ct)
    {
        try
        {
            if (_handlers.IsEmpty)
                return; // nobody left to take it: it stays pending for whoever joins next
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (_owner.Redelivery)
                timeout.CancelAfter(_owner.ProcessingTimeout);
            try
            {
                if (!await ReplicaHandlers.DeliverAsync(() => _handlers, Interlocked.Increment(ref _next), ToMessage(entry), timeout.Token))
                    return; // every handler left meanwhile: it stays pending
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                _owner.NotAcknowledged(_owner.Name, id, _topic, _group, _owner.ProcessingTimeout);
                return;
            }
            catch (Exception)
            {
                return; // stopping: not acknowledged, delivered again later
            }
            await _owner.Database.StreamAcknowledgeAsync(_topic, _group, id);
        }
        catch (RedisException e)
        {
            _owner.ReadFailed(e, _owner.Name, _topic, _group);
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
            _slots.Release();
        }
    }

    private PubSubMessage ToMessage(StreamEntry entry)
    {
        var data = entry["data"];
        var metadataText = entry["metadata"];
        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
        if (!metadataText.IsNullOrEmpty)
        {
            try
            {
                metadata = JsonSerializer.Deserialize<Dictionary<string, string>>((string)metadataText!) ?? [];
            }
            catch (JsonException)
            {
                // contrib logs and delivers without metadata
            }
        }
        return new PubSubMessage(_topic, data.IsNull ? ReadOnlyMemory<byte>.Empty : (byte[])data!, metadata);
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
