using System.Collections.Immutable;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;

namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>
/// Subscribes the app: declarative subscriptions at start, programmatic ones once the app answers <c>GET /dapr/subscribe</c>
/// (the app may start after its sidecar, so it is asked again until <see cref="DiscoveryDeadline"/>). Each subscription joins
/// the component's consumer group named by the app id, so replicas of one app compete and different apps each get a copy.
/// A sidecar without an app channel or without a pubsub component subscribes to nothing and never asks the app.
/// </summary>
internal sealed class SubscriptionManager : IHostedService, ISubscriptionView, IAsyncDisposable
{
    public static readonly TimeSpan DiscoveryDeadline = TimeSpan.FromMinutes(5);

    private readonly SidecarContext _sidecar;
    private readonly Publisher _publisher;
    private readonly IResiliencyPolicies _resiliency;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<SubscriptionInfo> _declarative;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _discovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<(SubscriptionInfo Info, IDisposable Membership, SubscriptionDelivery Delivery)> _live = [];
    private ImmutableList<SubscriptionInfo> _subscriptions = [];
    private Task _discovery = Task.CompletedTask;

    /// <summary>Reads and checks the declarative subscriptions; a broken one throws <see cref="Resources.ResourceException"/>.</summary>
    public SubscriptionManager(SidecarContext sidecar, Publisher publisher, IResiliencyPolicies resiliency, TimeProvider time, ILogger<SubscriptionManager> logger)
    {
        _sidecar = sidecar;
        _publisher = publisher;
        _resiliency = resiliency;
        _time = time;
        _logger = logger;
        _declarative = DeclarativeSubscriptions.Load(sidecar, m => PubSubLog.Warning(logger, m));
    }

    public IReadOnlyList<SubscriptionInfo> Subscriptions => _subscriptions;

    public Task Discovered => _discovered.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // As daprd: no app channel or no pubsub component, no subscriptions (and no GET /dapr/subscribe).
        if (_sidecar.App is not { } app || !_sidecar.Components.OfType<IPubSub>().Any())
        {
            _discovered.TrySetResult();
            return Task.CompletedTask;
        }
        foreach (var s in _declarative)
            Add(s, app); // declarative ones never replace another
        _discovery = Task.Run(() => DiscoverAsync(app, _stop.Token), CancellationToken.None);
        _sidecar.AddStartupGate("pub/sub subscriptions", _discovered.Task);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _discovery;
        List<(SubscriptionInfo Info, IDisposable Membership, SubscriptionDelivery Delivery)> live;
        lock (_gate)
        {
            live = [.. _live];
            _live.Clear();
        }
        foreach (var (_, membership, delivery) in live)
        {
            membership.Dispose();
            if (delivery is IAsyncDisposable d)
                await d.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // _stop is left undisposed on purpose: a broker worker may still link to it while leaving the group.
        if (!_stop.IsCancellationRequested)
            await StopAsync(CancellationToken.None);
    }

    private async Task DiscoverAsync(AppChannel app, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var wait = TimeSpan.FromMilliseconds(50);
        try
        {
            while (true)
            {
                var found = await ProgrammaticSubscriptions.TryGetAsync(app, _logger, ct);
                if (found is not null)
                {
                    foreach (var s in found)
                    {
                        if (Add(s, app) is IAsyncDisposable replaced)
                            await replaced.DisposeAsync();
                    }
                    return;
                }
                if (_time.GetElapsedTime(started) > DiscoveryDeadline)
                {
                    PubSubLog.DiscoveryTimedOut(_logger, _sidecar.AppId, DiscoveryDeadline);
                    return;
                }
                await Task.Delay(wait, _time, ct);
                wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 1000));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The sidecar stopped before the app answered.
        }
        finally
        {
            _discovered.TrySetResult();
        }
    }

    /// <summary>
    /// Starts one subscription. As daprd lists them, the first declarative one per pubsub and topic counts and a
    /// programmatic one replaces whatever came before it; returns the delivery it replaced.
    /// </summary>
    private SubscriptionDelivery? Add(SubscriptionInfo info, AppChannel app)
    {
        if (!_sidecar.Components.TryGet<IPubSub>(info.PubsubName, out var pubsub))
        {
            PubSubLog.UnknownPubsub(_logger, _sidecar.AppId, info.Topic, info.PubsubName);
            return null;
        }
        lock (_gate)
        {
            SubscriptionDelivery? replaced = null;
            var existing = _live.FindIndex(l => l.Info.PubsubName == info.PubsubName && l.Info.Topic == info.Topic);
            if (existing >= 0)
            {
                if (info.Type == SubscriptionType.Declarative)
                {
                    PubSubLog.Duplicate(_logger, _sidecar.AppId, info.Topic, info.PubsubName, info.Type);
                    return null;
                }
                PubSubLog.Replaced(_logger, _sidecar.AppId, info.Topic, info.PubsubName, _live[existing].Info.Type);
                _live[existing].Membership.Dispose();
                replaced = _live[existing].Delivery;
                _live.RemoveAt(existing);
            }
            SubscriptionDelivery delivery = info.BulkSubscribe is { Enabled: true }
                ? new BulkDelivery(info, pubsub, app, _publisher, _resiliency, _time, _logger, _sidecar.Cluster.InFlight)
                : new SubscriptionDelivery(info, pubsub, app, _publisher, _resiliency, _time, _logger);
            var membership = pubsub.Subscribe(info.Topic, _sidecar.AppId, async (message, ct) =>
            {
                // Stopping this sidecar cancels its deliveries in flight (the shared broker lives on).
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
                try
                {
                    await delivery.HandleAsync(message, linked.Token);
                }
                catch (OperationCanceledException) when (linked.IsCancellationRequested && pubsub is IRedeliveringPubSub)
                {
                    throw; // not acknowledged: the broker delivers it again
                }
                catch (OperationCanceledException) when (linked.IsCancellationRequested)
                {
                    PubSubLog.Lost(_logger, null, message.Topic, info.PubsubName, $"sidecar of app {_sidecar.AppId} stopped during delivery");
                }
                catch (MessageNotDeliveredException)
                {
                    throw; // already logged; the broker keeps it
                }
                catch (ReplicaUnavailableException)
                {
                    throw; // this replica's app is down: the broker offers it to another replica
                }
                catch (Exception e) when (pubsub is IRedeliveringPubSub)
                {
                    PubSubLog.KeptForRedelivery(_logger, null, message.Topic, info.PubsubName, e.Message);
                    throw; // not acknowledged: the broker delivers it again
                }
                catch (Exception e)
                {
                    PubSubLog.Unexpected(_logger, e, message.Topic, info.PubsubName);
                }
            });
            _live.Add((info, membership, delivery));
            _subscriptions = [.. _live.Select(l => l.Info)];
            return replaced;
        }
    }
}
