using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.Contracts.Shipping;
using ShopDapr.ServiceDefaults;
using ShopDapr.Shipping.Domain;
using ShopDapr.Testing;

namespace ShopDapr.Shipping.Tests;

/// <summary>
/// Shipping in-process on a real DaprClient over a real dev sidecar (<see cref="DevDapr"/>); <see cref="EventsAsync"/>
/// are the events the recorder received through a real subscription. The client carries a <see cref="Wire"/> for what the
/// sidecar cannot do on demand: a broker that is down (the store's outbox then refuses the transaction) and writes held
/// back to line up a race.
/// </summary>
public sealed class ShippingFactory : ShopAppFactory<Program>
{
    private ShippingFactory(DevDapr dapr)
    {
        Dapr = dapr;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
        var client = dapr.CreateClient(Wire);
        ConfigureServices = services => services.RemoveAll<DaprClient>().AddSingleton(client);
    }

    public static async Task<ShippingFactory> StartAsync(CancellationToken cancellationToken) =>
        new(await DevDapr.StartAsync(ShopNames.AppIds.Shipping, cancellationToken, apiToken: DefaultDaprApiToken));

    public DevDapr Dapr { get; }

    /// <summary>On the app's DaprClient: a broker that is down (the outbox refuses the transaction), writes held back.</summary>
    public DaprWire Wire { get; } = new();

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
