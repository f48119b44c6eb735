using System.Collections.Concurrent;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NSubstitute;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Infrastructure;
using ShopDapr.Testing;

namespace ShopDapr.Ordering.Tests;

/// <summary>
/// Ordering in-process over <see cref="FakeDapr"/>, with the workflow engine replaced by an <see cref="IOrderWorkflows"/>
/// substitute (the workflow itself is tested in Ordering.Workflows.Tests) and the relay's timer slowed to an hour
/// (tests call <see cref="OutboxRelay.RelayOnceAsync"/> themselves).
/// </summary>
public sealed class OrderingFactory : ShopAppFactory<Program>
{
    /// <param name="relayTime">When given, the app's clock (and so the relay's timer), with the relay ticking every second of it.</param>
    public OrderingFactory(TimeProvider? relayTime = null)
    {
        Dapr.UseState<OrderStream>().UseState<IdList>().UseState<OrderIndexPage>().UseState<PlacedOrder>().UseState<DeadLetterList>();
        Dapr.Client.PublishEventAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<object>(), Arg.Any<Dictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                if (FailPublishes)
                    return Task.FromException(new DaprException("publish failed", new RpcException(new Status(StatusCode.Unavailable, "broker down"))));
                Published.Enqueue((ci.ArgAt<string>(1), ci.ArgAt<object>(2), ci.ArgAt<Dictionary<string, string>>(3)));
                return Task.CompletedTask;
            });
        Settings["Ordering:RelayInterval"] = relayTime is null ? "01:00:00" : "00:00:01";
        Settings["Ordering:ApprovalTimeout"] = "00:30:00";
        ConfigureServices = services =>
        {
            services.RemoveAll<IOrderWorkflows>();
            services.AddSingleton(Workflows);
            if (relayTime is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(relayTime);
            }
        };
    }

    public IOrderWorkflows Workflows { get; } = Substitute.For<IOrderWorkflows>();

    public bool FailPublishes { get; set; }

    /// <summary>(topic, event, metadata) of every successful publish.</summary>
    public ConcurrentQueue<(string Topic, object Event, Dictionary<string, string> Metadata)> Published { get; } = new();

    public OrderEventStore Events => Services.GetRequiredService<OrderEventStore>();

    /// <summary>A vault token, as cart hands ordering the card it vaulted with payment.</summary>
    public const string CardToken = "card_0123456789abcdef0123456789abcdef";

    public static PlaceOrderRequest Request(string customerId = "customer-1", string key = "key-1", string last4 = "4242") => new(
        key, customerId, $"{customerId}@example.com",
        [new OrderLine(Guid.NewGuid(), "SKU-1", "Hammer", 12.5m, 2)], "EUR",
        new Address("Ada Lovelace", "1 Main St", "Paris", "75001", "FR"), new CardOnFile(CardToken, last4));
}
