using System.Collections.Concurrent;
using Dapr;
using Dapr.Actors;
using Dapr.Actors.Runtime;
using Dapr.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Inventory.Actors;

namespace ShopDapr.Inventory.Tests.Actors;

/// <summary>
/// Everything an <see cref="InventoryActor"/> touches, in memory: a clock, each SKU's saved state (so an actor can be
/// dropped and activated again), its reminders, and a substituted <see cref="DaprClient"/> whose publishes are recorded.
/// Actors come from <see cref="ActorHost.CreateForTest{TActor}(ActorTestOptions)"/>.
/// </summary>
public sealed class ActorWorld
{
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _stores = new();

    public ActorWorld(Action<InventoryOptions>? configure = null)
    {
        Reminders = new FakeTimerManager(Time);
        var options = new InventoryOptions { LowStockThreshold = 3, ReservationTtl = TimeSpan.FromMinutes(15), ExpiryCheckPeriod = TimeSpan.FromSeconds(30) };
        configure?.Invoke(options);
        Options = options;
        Events = new StockEventPublisher(Dapr, Microsoft.Extensions.Options.Options.Create(options), NullLogger<StockEventPublisher>.Instance);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public DaprClient Dapr { get; } = Substitute.For<DaprClient>();

    public FakeTimerManager Reminders { get; }

    public InventoryOptions Options { get; }

    public StockEventPublisher Events { get; }

    public Dictionary<string, string> Store(string sku) => _stores.GetOrAdd(sku, _ => []);

    /// <summary>A fresh activation of the SKU's actor over its saved state.</summary>
    public InventoryActor Activate(string sku, InMemoryActorStateManager? state = null)
    {
        var host = ActorHost.CreateForTest<InventoryActor>(new ActorTestOptions { ActorId = new ActorId(sku), TimerManager = Reminders });
        return new InventoryActor(host, Events, Microsoft.Extensions.Options.Options.Create(Options), Time,
            NullLogger<InventoryActor>.Instance, state ?? new InMemoryActorStateManager(Store(sku)));
    }

    /// <summary>(topic, CloudEvent type metadata, event) of every publish, in order.</summary>
    public IReadOnlyList<(string Topic, string? Type, object Event)> Published() =>
        [.. Dapr.ReceivedCalls()
            .Where(c => c.GetMethodInfo().Name == nameof(DaprClient.PublishEventAsync))
            .Select(c => c.GetArguments())
            .Select(a => ((string)a[1]!, (a[3] as IReadOnlyDictionary<string, string>)?.GetValueOrDefault("cloudevent.type"), a[2]!))];

    public IReadOnlyList<StockLevelChanged> Levels() => [.. Published().Select(p => p.Event).OfType<StockLevelChanged>()];

    /// <summary>Every publish fails from now on, as when the pub/sub component is down.</summary>
    public void FailPublishing()
    {
        var down = new DaprException("pub/sub unavailable");
        Dapr.PublishEventAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<StockLevelChanged>(), Arg.Any<Dictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromException(down));
        Dapr.PublishEventAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<StockLow>(), Arg.Any<Dictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromException(down));
        Dapr.PublishEventAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<StockDepleted>(), Arg.Any<Dictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromException(down));
    }

    /// <summary>Moves the clock on and fires the SKU's expiry reminder each time it is due, as the sidecar would.</summary>
    public async Task AdvanceAsync(InventoryActor actor, TimeSpan by)
    {
        var until = Time.GetUtcNow() + by;
        while (Reminders.NextDue(actor.Id, InventoryActor.ExpiryReminder) is { } due && due <= until)
        {
            Time.SetUtcNow(due);
            Reminders.Fired(actor.Id, InventoryActor.ExpiryReminder, Time.GetUtcNow());
            await actor.ReceiveReminderAsync(InventoryActor.ExpiryReminder, [], TimeSpan.Zero, Options.ExpiryCheckPeriod);
        }
        Time.SetUtcNow(until);
    }
}
