using ShopDapr.LoadGen.Mail;

namespace ShopDapr.LoadGen.Stats;

/// <summary>
/// Everything one run measures. Latency samples count when their journey started inside the measured window (so a slow
/// order that finishes after the window still counts); orders completed/s counts completions seen inside the window.
/// The live counters include the warm-up, for the progress display.
/// </summary>
public sealed class LoadMetrics(TimeProvider time)
{
    private long _windowStart = -1;
    private long _windowEnd = -1;
    private long _started;
    private long _completed;
    private long _cancelled;
    private long _failedJourneys;
    private long _completedInWindow;
    private long _cancelledInWindow;
    private readonly Lock _intervalLock = new();
    private List<double> _intervalSaga = [];

    /// <summary>With <c>--mail-dir</c>: every completed order's lag to its e-mails.</summary>
    public MailLagTracker? Mail { get; init; }

    public StepRecorder Browse { get; } = new("browse");
    public StepRecorder Search { get; } = new("search");
    public StepRecorder AddToCart { get; } = new("add to cart");
    public StepRecorder Checkout { get; } = new("checkout");
    public StepRecorder OrderStatus { get; } = new("order status");

    /// <summary>From sending the checkout to seeing the order Completed (not a request: the saga's latency as a shopper sees it).</summary>
    public StepRecorder CheckoutToCompleted { get; } = new("checkout → Completed");

    public IEnumerable<StepRecorder> Requests => [Browse, Search, AddToCart, Checkout, OrderStatus];

    public long Started => Interlocked.Read(ref _started);
    public long Completed => Interlocked.Read(ref _completed);
    public long Cancelled => Interlocked.Read(ref _cancelled);
    public long FailedJourneys => Interlocked.Read(ref _failedJourneys);
    public long CompletedInWindow => Interlocked.Read(ref _completedInWindow);
    public long CancelledInWindow => Interlocked.Read(ref _cancelledInWindow);

    public bool WindowIsOpen => Interlocked.Read(ref _windowStart) >= 0 && Interlocked.Read(ref _windowEnd) < 0;

    /// <summary>The measured window so far (or in full, once closed).</summary>
    public TimeSpan Window
    {
        get
        {
            var start = Interlocked.Read(ref _windowStart);
            if (start < 0)
                return TimeSpan.Zero;
            var end = Interlocked.Read(ref _windowEnd);
            return time.GetElapsedTime(start, end < 0 ? time.GetTimestamp() : end);
        }
    }

    /// <summary>Called as the window opens and as it closes (CPU sampling of the shop's processes).</summary>
    public event Action? WindowOpened;

    public event Action? WindowClosed;

    public void OpenWindow()
    {
        WindowOpened?.Invoke();
        Interlocked.Exchange(ref _windowStart, time.GetTimestamp());
    }

    public void CloseWindow()
    {
        if (Interlocked.CompareExchange(ref _windowEnd, time.GetTimestamp(), -1) == -1)
            WindowClosed?.Invoke();
    }

    public void JourneyStarted() => Interlocked.Increment(ref _started);

    public void JourneyFailed() => Interlocked.Increment(ref _failedJourneys);

    public void OrderCompleted() => CountCompleted(WindowIsOpen);

    private void CountCompleted(bool measured)
    {
        Interlocked.Increment(ref _completed);
        if (measured)
            Interlocked.Increment(ref _completedInWindow);
    }

    /// <summary>A shopper saw its order Completed (at <paramref name="completedAt"/>, the order's last update) after <paramref name="saga"/>.</summary>
    public void OrderCompleted(Guid orderId, DateTimeOffset completedAt, TimeSpan saga)
    {
        var measured = WindowIsOpen;
        CountCompleted(measured);
        if (measured)
        {
            lock (_intervalLock)
                _intervalSaga.Add(saga.TotalMilliseconds);
        }
        Mail?.OrderCompleted(orderId, completedAt, measured);
    }

    /// <summary>Orders completed in the window since the last <see cref="CutInterval"/>.</summary>
    public int IntervalOrders
    {
        get
        {
            lock (_intervalLock)
                return _intervalSaga.Count;
        }
    }

    /// <summary>Checkout→Completed latencies (ms, sorted) of the orders completed in the window since the last call: one sampling interval's.</summary>
    public double[] CutInterval()
    {
        List<double> taken;
        lock (_intervalLock)
            (taken, _intervalSaga) = (_intervalSaga, []);
        var sorted = taken.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    public void OrderCancelled()
    {
        Interlocked.Increment(ref _cancelled);
        if (WindowIsOpen)
            Interlocked.Increment(ref _cancelledInWindow);
    }
}
