using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;
using ShopDapr.Testing;

namespace ShopDapr.Analytics.Tests;

/// <summary>
/// Analytics in-process behind a REAL dev sidecar (<see cref="DevDapr"/>) that calls it back as daprd does: it asks the
/// app for its subscriptions and delivers what is published on the in-memory broker. <see cref="PublishAsync"/> goes
/// through the broker; <see cref="DeliverAsync"/> hands the app one bulk entry directly, with a chosen CloudEvent id,
/// <see cref="DeliverBatchAsync"/> a batch of them. The app's DaprClient carries a <see cref="Wire"/> (to hold its writes
/// back). One app and sidecar per test class instance: the tests read the store's keys.
/// </summary>
public sealed class AnalyticsFactory : ShopAppFactory<Program>
{
    private AnalyticsFactory(DevDapr dapr)
    {
        Dapr = dapr;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
        var client = dapr.CreateClient(Wire);
        ConfigureServices = services => services.RemoveAll<DaprClient>().AddSingleton(client);
    }

    public static async Task<AnalyticsFactory> StartAsync(CancellationToken cancellationToken)
    {
        var channel = new LateHandler();
        var dapr = await DevDapr.StartAsync(ShopNames.AppIds.Analytics, cancellationToken, apiToken: DefaultDaprApiToken, app: channel, appApiToken: DefaultAppApiToken);
        var factory = new AnalyticsFactory(dapr);
        channel.Inner = new HttpMessageInvoker(factory.Server.CreateHandler());
        factory.Sidecar();
        // The sidecar reports healthy once it has the app's subscriptions: what is published from then on is delivered
        // (the in-memory broker drops what nobody subscribes to yet).
        await EventuallyAsync(() => dapr.Client.CheckHealthAsync(cancellationToken), healthy => healthy, cancellationToken);
        return factory;
    }

    public DevDapr Dapr { get; }

    /// <summary>On the app's DaprClient: writes held back (a rival unit of work between a read and its write).</summary>
    public DaprWire Wire { get; } = new();

    private HttpClient? _sidecar;

    /// <summary>One client calling as the sidecar does (the app API token); created before parallel use.</summary>
    public HttpClient Sidecar() => _sidecar ??= CreateClient();

    /// <summary>Publishes <paramref name="integrationEvent"/> on <paramref name="topic"/> through the sidecar and broker, as a service does.</summary>
    public Task PublishAsync<T>(string topic, T integrationEvent, CancellationToken cancellationToken)
        where T : notnull =>
        Dapr.Client.PublishIntegrationEventAsync(topic, integrationEvent, cancellationToken);

    /// <summary>
    /// Delivers one event as daprd does to a bulk subscriber: a batch with one entry, the CloudEvent (type, id) on
    /// <paramref name="topic"/>'s route of <paramref name="type"/>; the status the app gave the entry (null on failure).
    /// </summary>
    public async Task<(HttpResponseMessage Response, string? Status)> DeliverAsync(
        string topic, string type, object? data, string? eventId = null, CancellationToken cancellationToken = default)
    {
        var (response, statuses) = await DeliverBatchAsync(topic, type, [(data, eventId ?? Guid.NewGuid().ToString())], cancellationToken);
        return (response, statuses?.Single());
    }

    /// <summary>
    /// Delivers <paramref name="events"/> (data, CloudEvent id) as one bulk batch, in order, on <paramref name="topic"/>'s
    /// route of <paramref name="type"/>, as daprd does; the status the app gave each entry, in order (null on failure).
    /// </summary>
    public async Task<(HttpResponseMessage Response, IReadOnlyList<string?>? Statuses)> DeliverBatchAsync(
        string topic, string type, IReadOnlyList<(object? Data, string EventId)> events, CancellationToken cancellationToken = default)
    {
        var entries = events.Select(e => new Dictionary<string, object?>
        {
            ["entryId"] = Guid.NewGuid().ToString(),
            ["event"] = new Dictionary<string, object?>
            {
                ["specversion"] = "1.0",
                ["id"] = e.EventId,
                ["source"] = "test",
                ["type"] = type,
                ["datacontenttype"] = "application/json",
                ["pubsubname"] = "pubsub",
                ["topic"] = topic,
                ["data"] = e.Data,
            },
            ["contentType"] = "application/cloudevents+json",
        }).ToList();
        var batch = new Dictionary<string, object?>
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["type"] = "com.dapr.event.sent",
            ["topic"] = topic,
            ["pubsubname"] = "pubsub",
            ["metadata"] = new Dictionary<string, string>(),
            ["entries"] = entries,
        };
        var content = new StringContent(JsonSerializer.Serialize(batch, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        var response = await Sidecar().PostAsync($"/events/{topic}/{type}", content, cancellationToken);
        if (!response.IsSuccessStatusCode)
            return (response, null);
        var statuses = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("statuses").EnumerateArray()
            .ToDictionary(s => s.GetProperty("entryId").GetString()!, s => s.GetProperty("status").GetString());
        return (response, [.. entries.Select(e => statuses.GetValueOrDefault((string)e["entryId"]!))]);
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polling), failing after <paramref name="within"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, CancellationToken cancellationToken, TimeSpan? within = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await read();
            if (condition(value))
                return value;
            try
            {
                await Task.Delay(50, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The condition did not hold within {within ?? TimeSpan.FromSeconds(30)}; last value: {JsonSerializer.Serialize(value)}");
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Dapr.DisposeAsync();
    }

    /// <summary>The sidecar's channel to the app, connected once the app exists (the sidecar starts first, as under daprd).</summary>
    private sealed class LateHandler : HttpMessageHandler
    {
        public HttpMessageInvoker? Inner { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Inner is { } inner ? inner.SendAsync(request, cancellationToken) : throw new HttpRequestException("The app is not listening yet.");
    }
}
