using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.Contracts.Shipping;
using ShopDapr.ServiceDefaults;
using ShopDapr.Shipping.Domain;
using ShopDapr.Testing;

namespace ShopDapr.Shipping.Tests;

/// <summary>
/// Shipping in-process on a real DaprClient over a real dev sidecar (<see cref="DevDapr"/>); <see cref="EventsAsync"/>
/// are the events the recorder received through a real subscription. The client carries a hook on its wire for what the
/// sidecar cannot do on demand: fail a publish (the broker is down), hold writes to line up a race, and keep the order
/// in which the app sent its events (<see cref="Sent"/>; the in-memory broker delivers with several workers at once).
/// </summary>
public sealed class ShippingFactory : ShopAppFactory<Program>
{
    private int _publishFailures;

    private ShippingFactory(DevDapr dapr)
    {
        Dapr = dapr;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
        var client = dapr.CreateClient(OnCallAsync);
        ConfigureServices = services => services.RemoveAll<DaprClient>().AddSingleton(client);
    }

    public static async Task<ShippingFactory> StartAsync(CancellationToken cancellationToken) =>
        new(await DevDapr.StartAsync(ShopNames.AppIds.Shipping, cancellationToken, apiToken: DefaultDaprApiToken));

    public DevDapr Dapr { get; }

    /// <summary>The CloudEvent type of every event the app handed the sidecar, in the order it sent them.</summary>
    public List<string> Sent { get; } = [];

    /// <summary>Runs before each state write the app sends, before the sidecar sees it.</summary>
    public Func<Task>? BeforeWrite { get; set; }

    /// <summary>The next <paramref name="count"/> publishes fail (the broker is down): the call never reaches the sidecar.</summary>
    public void FailNextPublishes(int count) => Volatile.Write(ref _publishFailures, count);

    /// <summary>Every event delivered on order-events so far (after the broker has delivered all it holds), as its record.</summary>
    public async Task<IReadOnlyList<(object Data, string Type)>> EventsAsync(CancellationToken cancellationToken)
    {
        await Dapr.SettleAsync(cancellationToken);
        return [.. Dapr.Published.All.Where(e => e.Topic == ShopNames.Topics.OrderEvents).Select(e => (e.Type switch
        {
            nameof(ShipmentCreated) => (object)e.As<ShipmentCreated>(),
            nameof(ShipmentCancelled) => e.As<ShipmentCancelled>(),
            nameof(ShipmentDelivered) => e.As<ShipmentDelivered>(),
            _ => e.Data,
        }, e.Type))];
    }

    private async Task OnCallAsync(string method, byte[] body)
    {
        switch (method)
        {
            case "PublishEvent":
                if (Interlocked.Decrement(ref _publishFailures) >= 0)
                    throw new HttpRequestException("injected: the broker is down");
                // A gRPC message: 1 byte compressed flag, 4 bytes length, then the protobuf.
                var request = PublishEventRequest.Parser.ParseFrom(body.AsSpan(5));
                lock (Sent)
                    Sent.Add(request.Metadata.TryGetValue("cloudevent.type", out var type) ? type : "");
                break;
            case "SaveState" or "ExecuteStateTransaction" when BeforeWrite is { } hold:
                await hold();
                break;
        }
    }

    private HttpClient? _sidecar;

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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Dapr.DisposeAsync();
    }
}
