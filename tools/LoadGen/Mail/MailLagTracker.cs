namespace ShopDapr.LoadGen.Mail;

/// <summary>
/// The lag from an order's completion to its e-mails: for every order the run saw <c>Completed</c> (at the order's
/// <c>updatedAt</c>, the time the <c>OrderCompleted</c> event occurred), the time the last of its four e-mails
/// (<see cref="ExpectedEmails"/>) was written, minus that completion; below zero counts as zero. E-mail files may be
/// seen before or after the completion (the first three are caused by earlier events). An order counts once, when its
/// last expected e-mail is seen; until then it is pending.
/// </summary>
public sealed class MailLagTracker
{
    /// <summary>The e-mails a completed order (no fraud hold) causes, as notifications names the files' event types.</summary>
    public static readonly IReadOnlyList<string> ExpectedEmails = ["OrderSubmitted", "OrderPaid", "OrderShipped", "OrderCompleted"];

    private const int AllExpected = (1 << 4) - 1;
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, OrderMail> _open = [];
    private readonly HashSet<Guid> _resolved = [];
    private readonly List<double> _windowLags = [];
    private readonly List<double> _intervalLags = [];
    private long _completed;
    private DateTimeOffset? _lastWritten;

    /// <summary>Orders seen Completed by this run (warm-up included).</summary>
    public long OrdersCompleted
    {
        get
        {
            lock (_lock)
                return _completed;
        }
    }

    /// <summary>Completed orders whose four e-mails have all been seen.</summary>
    public long OrdersWithAllEmails
    {
        get
        {
            lock (_lock)
                return _resolved.Count;
        }
    }

    /// <summary>The latest write time of an e-mail counted so far (for "written within N s of the load stopping").</summary>
    public DateTimeOffset? LastEmailWritten
    {
        get
        {
            lock (_lock)
                return _lastWritten;
        }
    }

    /// <summary>An order the run saw Completed; <paramref name="measured"/>: its lag counts in the window's percentiles.</summary>
    public void OrderCompleted(Guid orderId, DateTimeOffset completedAt, bool measured)
    {
        lock (_lock)
        {
            if (_resolved.Contains(orderId))
                return;
            var order = Open(orderId);
            if (order.CompletedAt is not null)
                return;
            _completed++;
            order.CompletedAt = completedAt;
            order.Measured = measured;
            TryResolve(orderId, order);
        }
    }

    /// <summary>An e-mail file: its order, event type and write time. Unexpected types and repeats are ignored.</summary>
    public void EmailWritten(Guid orderId, string eventType, DateTimeOffset writtenAt)
    {
        var index = IndexOf(eventType);
        if (index < 0)
            return;
        lock (_lock)
        {
            if (_resolved.Contains(orderId))
                return;
            var order = Open(orderId);
            if ((order.Seen & (1 << index)) != 0)
                return;
            order.Seen |= 1 << index;
            if (writtenAt > order.LastWritten)
                order.LastWritten = writtenAt;
            TryResolve(orderId, order);
        }
    }

    /// <summary>Completed orders still missing an e-mail, and how long the oldest of them has waited at <paramref name="now"/>.</summary>
    public (long Orders, TimeSpan? OldestAge) Pending(DateTimeOffset now)
    {
        lock (_lock)
        {
            var waiting = _open.Values.Where(o => o.CompletedAt is not null).Select(o => o.CompletedAt!.Value).ToList();
            return (waiting.Count, waiting.Count == 0 ? null : now - waiting.Min());
        }
    }

    /// <summary>Lags (ms) of measured orders, sorted.</summary>
    public double[] WindowLags()
    {
        lock (_lock)
        {
            double[] lags = [.. _windowLags];
            Array.Sort(lags);
            return lags;
        }
    }

    /// <summary>Lags (ms, sorted) of the measured orders resolved since the last call: one sampling interval's.</summary>
    public double[] CutInterval()
    {
        lock (_lock)
        {
            double[] lags = [.. _intervalLags];
            _intervalLags.Clear();
            Array.Sort(lags);
            return lags;
        }
    }

    private OrderMail Open(Guid orderId)
    {
        if (!_open.TryGetValue(orderId, out var order))
            _open[orderId] = order = new OrderMail();
        return order;
    }

    private void TryResolve(Guid orderId, OrderMail order)
    {
        if (order.CompletedAt is not { } completed || order.Seen != AllExpected)
            return;
        _open.Remove(orderId);
        _resolved.Add(orderId);
        if (_lastWritten is null || order.LastWritten > _lastWritten)
            _lastWritten = order.LastWritten;
        if (!order.Measured)
            return;
        var lag = Math.Max(0, (order.LastWritten - completed).TotalMilliseconds);
        _windowLags.Add(lag);
        _intervalLags.Add(lag);
    }

    private static int IndexOf(string eventType)
    {
        for (var i = 0; i < ExpectedEmails.Count; i++)
        {
            if (string.Equals(ExpectedEmails[i], eventType, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }

    private sealed class OrderMail
    {
        public DateTimeOffset? CompletedAt;
        public bool Measured;
        public int Seen;
        public DateTimeOffset LastWritten = DateTimeOffset.MinValue;
    }
}
