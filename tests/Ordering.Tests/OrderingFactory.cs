using System.Text.Json;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NSubstitute;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Infrastructure;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Ordering.Tests;

/// <summary>
/// Ordering in-process on a real DaprClient over a real dev sidecar (<see cref="DevDapr"/>), with the workflow engine
/// replaced by an <see cref="IOrderWorkflows"/> substitute (the workflow itself is tested in Ordering.Workflows.Tests)
/// and the relay's timer slowed to an hour (tests call <see cref="OutboxRelay.RelayOnceAsync"/> themselves). The client
/// carries <see cref="Wire"/>: a rival writer between a read and a write, a broker that is down, and the events in the
/// order the app sent them, which the sidecar cannot give on demand.
/// </summary>
public sealed class OrderingFactory : ShopAppFactory<Program>
{
    private OrderingFactory(DevDapr dapr, TimeProvider? relayTime)
    {
        Dapr = dapr;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
        var client = dapr.CreateClient(Wire);
        Settings["Ordering:RelayInterval"] = relayTime is null ? "01:00:00" : "00:00:01";
        Settings["Ordering:ApprovalTimeout"] = "00:30:00";
        ConfigureServices = services =>
        {
            services.RemoveAll<DaprClient>().AddSingleton(client);
            services.RemoveAll<IOrderWorkflows>();
            services.AddSingleton(Workflows);
            if (relayTime is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(relayTime);
            }
        };
    }

    /// <param name="relayTime">When given, the app's clock (and so the relay's timer), with the relay ticking every second of it.</param>
    public static async Task<OrderingFactory> StartAsync(CancellationToken cancellationToken, TimeProvider? relayTime = null) =>
        new(await DevDapr.StartAsync(ShopNames.AppIds.Ordering, cancellationToken, apiToken: DefaultDaprApiToken), relayTime);

    public DevDapr Dapr { get; }

    public DaprWire Wire { get; } = new();

    public bool FailPublishes
    {
        get => Wire.FailPublishes;
        set => Wire.FailPublishes = value;
    }

    /// <summary>(topic, event, metadata) of every publish the sidecar accepted, in the order the app sent them.</summary>
    public IReadOnlyList<(string Topic, object Event, IReadOnlyDictionary<string, string> Metadata)> Published =>
        [.. Wire.Sent.Select(e => (e.Topic, e.Data.Deserialize(EventType(e.Type), PublishedEvents.Json)!, e.Metadata))];

    private static Type EventType(string name) =>
        typeof(OrderSubmitted).Assembly.GetType($"{typeof(OrderSubmitted).Namespace}.{name}") ?? typeof(JsonElement);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Dapr.DisposeAsync();
    }

    public IOrderWorkflows Workflows { get; } = Substitute.For<IOrderWorkflows>();

    public OrderEventStore Events => Services.GetRequiredService<OrderEventStore>();

    /// <summary>A vault token, as cart hands ordering the card it vaulted with payment.</summary>
    public const string CardToken = "card_0123456789abcdef0123456789abcdef";

    public static PlaceOrderRequest Request(string customerId = "customer-1", string key = "key-1", string last4 = "4242") => new(
        key, customerId, $"{customerId}@example.com",
        [new OrderLine(Guid.NewGuid(), "SKU-1", "Hammer", 12.5m, 2)], "EUR",
        new Address("Ada Lovelace", "1 Main St", "Paris", "75001", "FR"), new CardOnFile(CardToken, last4));
}
