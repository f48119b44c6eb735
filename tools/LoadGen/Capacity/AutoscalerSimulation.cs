namespace ShopDapr.LoadGen.Capacity;

/// <summary>The rules an autoscaler plays by: Kubernetes' documented defaults unless a manifest says otherwise.</summary>
public sealed record AutoscalerSettings
{
    /// <summary>The HPA controller's sync period (<c>--horizontal-pod-autoscaler-sync-period</c>, 15 s).</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>No scaling while current/target is within this of 1 (<c>--horizontal-pod-autoscaler-tolerance</c>, 0.1).</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary>The CPU a decision sees is the average over this window (metrics-server's resolution, 30 s).</summary>
    public TimeSpan MetricWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>KEDA's <c>pollingInterval</c> (30 s): how often a queue's length is read.</summary>
    public TimeSpan QueuePollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>From a scale-up decision to a pod taking work: scheduling, an image already on the node, the app and its sidecar starting.</summary>
    public TimeSpan PodStartup { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Messages each order puts on a topic, for the queues KEDA watches (<c>&lt;app-id&gt;-&lt;topic&gt;</c>).</summary>
    public IReadOnlyDictionary<string, double> EventsPerOrder { get; init; } =
        new Dictionary<string, double>(StringComparer.Ordinal) { ["order-events"] = 5, ["inventory-events"] = 2, ["catalog-events"] = 0 };

    /// <summary>
    /// Default scale-up policies (<c>behavior.scaleUp</c>: no stabilisation, at most +100 % or +4 pods per 15 s, whichever
    /// is more): the most replicas a sync may go to from <paramref name="current"/>.
    /// </summary>
    public static int ScaleUpLimit(int current) => Math.Max(2 * current, current + 4);
}

/// <summary>One app at one moment of the simulated day.</summary>
public sealed record AppMoment(int Replicas, int Ready, double Served, double Backlog);

/// <summary>The whole shop at one moment: the offered rate and each app's state (in the order of the apps given).</summary>
public sealed record Moment(TimeSpan At, double Offered, IReadOnlyList<AppMoment> Apps)
{
    /// <summary>Orders/s the shop completes: no faster than its slowest app.</summary>
    public double Served => Apps.Count == 0 ? Offered : Apps.Min(a => a.Served);

    /// <summary>Orders waiting at the app with the longest queue.</summary>
    public double Backlog => Apps.Count == 0 ? 0 : Apps.Max(a => a.Backlog);
}

/// <summary>
/// Plays a traffic curve against each app's autoscaler, one HPA sync period at a time. An app's replicas serve up to
/// their CPU requests' worth of orders (rate × CPU per order ≤ ready replicas × a pod's request); what they cannot serve
/// waits in the app's queue and is served later. Each sync: desired = ⌈ready × utilisation ÷ target⌉ (nothing within
/// the tolerance) and, for a KEDA app, ⌈queue length ÷ messages per replica⌉ per queue, the largest of them; within
/// min/max; up by at most <see cref="AutoscalerSettings.ScaleUpLimit"/>; down only to the highest recommendation of the
/// scale-down stabilisation window. New pods take work after <see cref="AutoscalerSettings.PodStartup"/>.
/// </summary>
public sealed class AutoscalerSimulation(IReadOnlyList<AppScaling> apps, IReadOnlyDictionary<string, AppCost> costs, AutoscalerSettings settings)
{
    public IReadOnlyList<AppScaling> Apps => apps;

    public IReadOnlyList<Moment> Run(Func<TimeSpan, double> ordersPerSecond, TimeSpan length)
    {
        var states = apps.Select(a => new AppState(a, costs.GetValueOrDefault(a.App) ?? new AppCost(a.App, 0, 0), settings)).ToList();
        var moments = new List<Moment>();
        var dt = settings.SyncPeriod;
        for (var at = TimeSpan.Zero; at < length; at += dt)
        {
            var offered = ordersPerSecond(at);
            var row = states.Select(s => s.Step(at, offered)).ToList();
            moments.Add(new Moment(at, offered, row));
        }
        return moments;
    }

    private sealed class AppState
    {
        private readonly AppScaling _scaling;
        private readonly AppCost _cost;
        private readonly AutoscalerSettings _settings;
        private readonly List<TimeSpan> _readyAt = [];
        private readonly Queue<double> _utilisation = new();
        private readonly List<(TimeSpan At, int Replicas)> _recommendations = [];
        private double _backlog;
        private double _queuePolled;
        private TimeSpan _lastQueuePoll = TimeSpan.MinValue;

        public AppState(AppScaling scaling, AppCost cost, AutoscalerSettings settings)
        {
            (_scaling, _cost, _settings) = (scaling, cost, settings);
            for (var i = 0; i < Math.Max(1, scaling.MinReplicas); i++)
                _readyAt.Add(TimeSpan.Zero);
        }

        public AppMoment Step(TimeSpan at, double offered)
        {
            var dt = _settings.SyncPeriod.TotalSeconds;
            var ready = _readyAt.Count(r => r <= at);
            var capacity = _cost.Seconds > 0 ? ready * _scaling.PodCpuRequest / _cost.Seconds : double.PositiveInfinity;
            var served = Math.Min(capacity, offered + _backlog / dt);
            _backlog = Math.Max(0, _backlog + (offered - served) * dt);
            var utilisation = ready > 0 ? served * _cost.Seconds / (ready * _scaling.PodCpuRequest) : 1;
            _utilisation.Enqueue(utilisation);
            while (_utilisation.Count > Math.Max(1, (int)(_settings.MetricWindow / _settings.SyncPeriod)))
                _utilisation.Dequeue();
            Scale(at, ready);
            return new AppMoment(_readyAt.Count, ready, served, _backlog);
        }

        private void Scale(TimeSpan at, int ready)
        {
            var current = _readyAt.Count;
            var desired = _scaling.MinReplicas;
            if (_scaling.CpuTarget > 0 && ready > 0)
            {
                var ratio = _utilisation.Average() / _scaling.CpuTarget;
                desired = Math.Max(desired, Math.Abs(ratio - 1) <= _settings.Tolerance ? current : (int)Math.Ceiling(Math.Round(ready * ratio, 9)));
            }
            if (_scaling.Queues.Count > 0)
            {
                if (_lastQueuePoll == TimeSpan.MinValue || at - _lastQueuePoll >= _settings.QueuePollInterval)
                    (_queuePolled, _lastQueuePoll) = (_backlog, at);
                foreach (var queue in _scaling.Queues)
                {
                    var messages = _queuePolled * EventsPerOrder(queue.Queue);
                    desired = Math.Max(desired, (int)Math.Ceiling(messages / queue.MessagesPerReplica));
                }
            }
            desired = Math.Clamp(desired, _scaling.MinReplicas, Math.Max(_scaling.MinReplicas, _scaling.MaxReplicas));
            _recommendations.Add((at, desired));
            _recommendations.RemoveAll(r => r.At <= at - _scaling.ScaleDownWindow);
            if (desired > current)
                desired = Math.Min(desired, AutoscalerSettings.ScaleUpLimit(current));
            else if (desired < current)
                desired = Math.Min(current, _recommendations.Max(r => r.Replicas));
            for (var i = current; i < desired; i++)
                _readyAt.Add(at + _settings.PodStartup);
            if (desired < current)
            {
                // The pods still starting go first, as the ReplicaSet controller removes unready pods before ready ones.
                _readyAt.Sort();
                _readyAt.RemoveRange(desired, current - desired);
            }
        }

        private double EventsPerOrder(string queue)
        {
            var prefix = _scaling.App + "-";
            var topic = queue.StartsWith(prefix, StringComparison.Ordinal) ? queue[prefix.Length..] : queue;
            return _settings.EventsPerOrder.GetValueOrDefault(topic, 1);
        }
    }
}
