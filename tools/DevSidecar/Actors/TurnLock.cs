namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// One actor's turn-based concurrency, as daprd's <c>pkg/actors/targets/app/lock</c>: calls queue in arrival order and run
/// one at a time. With reentrancy on, a call carrying the reentrancy id of a queued or running call joins it (its stack
/// depth grows, bounded by maxStackDepth) instead of queueing behind it, so A → B → A does not deadlock.
/// </summary>
public sealed class TurnLock
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Flight> _queue = new();

    /// <summary>True while no call holds or waits for the lock.</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
                return _queue.Count == 0;
        }
    }

    /// <summary>
    /// Waits for this call's turn. <paramref name="reentrancyId"/> is only honoured when <paramref name="reentrancy"/> is
    /// enabled. Dispose the returned turn to let the next call in.
    /// </summary>
    public async Task<IDisposable> EnterAsync(string? reentrancyId, ReentrancyConfig reentrancy, CancellationToken cancellationToken)
    {
        Flight flight;
        lock (_gate)
        {
            flight = reentrancy.Enabled && reentrancyId is not null
                ? _queue.FirstOrDefault(f => f.Id == reentrancyId) ?? Append(reentrancyId)
                : Append(null);
            if (flight.Depth >= reentrancy.MaxStackDepth && reentrancy.Enabled)
                throw ActorErrors.MaxStackDepthExceeded();
            flight.Depth++;
        }
        try
        {
            await flight.Start.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Leave(flight);
            throw;
        }
        return new Turn(this, flight);
    }

    private Flight Append(string? id)
    {
        var flight = new Flight(id);
        flight.Node = _queue.AddLast(flight);
        if (_queue.Count == 1)
            flight.Start.TrySetResult();
        return flight;
    }

    private void Leave(Flight flight)
    {
        lock (_gate)
        {
            flight.Depth--;
            if (flight.Depth > 0 || flight.Node?.List is null)
                return;
            var wasFront = _queue.First == flight.Node;
            _queue.Remove(flight.Node);
            if (wasFront)
                _queue.First?.Value.Start.TrySetResult();
        }
    }

    private sealed class Flight(string? id)
    {
        public string? Id { get; } = id;

        public int Depth { get; set; }

        public LinkedListNode<Flight>? Node { get; set; }

        public TaskCompletionSource Start { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Turn(TurnLock owner, Flight flight) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Leave(flight);
        }
    }
}
