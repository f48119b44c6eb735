using System.Net.Http.Json;
using Dapr.Client;
using NSubstitute;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Shipping.Domain;
using ShopDapr.Testing;

namespace ShopDapr.Shipping.Tests;

/// <summary>Shipping in-process over <see cref="FakeDapr"/>; published events keep their metadata.</summary>
public sealed class ShippingFactory : ShopAppFactory<Program>
{
    public ShippingFactory()
    {
        Dapr.UseState<ShipmentRecord?>().UseState<ShipmentRecord>();
        Record<ShipmentCreated>();
        Record<ShipmentCancelled>();
        Record<ShipmentDelivered>();
    }

    public List<(object Data, IReadOnlyDictionary<string, string> Metadata)> Events { get; } = [];

    private HttpClient? _sidecar;
    private int _publishFailures;

    /// <summary>The next <paramref name="count"/> publishes fail (the broker is down).</summary>
    public void FailNextPublishes(int count) => Volatile.Write(ref _publishFailures, count);

    /// <summary>One client for calls as the sidecar makes them; created before parallel use (starting the server is not thread-safe).</summary>
    public HttpClient Sidecar() => _sidecar ??= CreateClient();

    public HttpClient Admin() => ClientWith(Tokens.Admin());

    public static object Request(Guid orderId) => new
    {
        orderId,
        address = new { name = "Ada Lovelace", street = "1 Analytical Way", city = "London", postalCode = "N1 9GU", country = "GB" },
        lines = new[] { new { sku = "SKU-001", quantity = 2 } },
    };

    public async Task<Shipment> CreateAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var response = await Sidecar().PostAsJsonAsync(ShippingRoutes.Shipments, Request(orderId), cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Shipment>(cancellationToken))!;
    }

    private void Record<T>() =>
        Dapr.Client.PublishEventAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<T>(), Arg.Any<Dictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                if (Interlocked.Decrement(ref _publishFailures) >= 0)
                    return Task.FromException(new global::Dapr.DaprException("error when publish to topic order-events"));
                lock (Events)
                    Events.Add((ci.ArgAt<T>(2)!, ci.ArgAt<Dictionary<string, string>>(3)));
                Dapr.Published.Enqueue((ci.ArgAt<string>(0), ci.ArgAt<string>(1), ci.ArgAt<T>(2)!));
                return Task.CompletedTask;
            });
}
