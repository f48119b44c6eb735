using System.Text;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using NSubstitute;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Notifications.Infrastructure;
using ShopDapr.Testing;

namespace ShopDapr.Notifications.Tests;

/// <summary>
/// Notifications in-process over <see cref="FakeDapr"/>; its <c>mail</c> binding behaves as <c>bindings.localstorage</c>
/// does — the data written to <see cref="Mailbox"/> under the <c>fileName</c> metadata — and can be made to fail.
/// </summary>
public sealed class NotificationsFactory : ShopAppFactory<Program>
{
    private int _failures;

    public NotificationsFactory()
    {
        Dapr.UseState<NotificationMarker>().UseState<NotificationMarker?>();
        Dapr.Client.InvokeBindingAsync(Arg.Any<BindingRequest>(), Arg.Any<CancellationToken>()).Returns(ci =>
        {
            var request = ci.Arg<BindingRequest>();
            lock (Requests)
                Requests.Add(request);
            if (Interlocked.Decrement(ref _failures) >= 0)
                return Task.FromException<BindingResponse>(new DaprException("error invoking output binding mail",
                    new RpcException(new Status(StatusCode.Internal, "disk full"))));
            File.WriteAllBytes(Path.Combine(Mailbox, request.Metadata["fileName"]), request.Data.ToArray());
            return Task.FromResult(new BindingResponse(request, default, new Dictionary<string, string>()));
        });
    }

    public string Mailbox { get; } = Directory.CreateTempSubdirectory("shop-mail-").FullName;

    public List<BindingRequest> Requests { get; } = [];

    /// <summary>The next <paramref name="count"/> sends fail.</summary>
    public void FailNextSends(int count) => Volatile.Write(ref _failures, count);

    public string[] Mails() => Directory.GetFiles(Mailbox).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private HttpClient? _sidecar;

    /// <summary>One client for calls as the sidecar makes them; created before parallel use (starting the server is not thread-safe).</summary>
    public HttpClient Sidecar() => _sidecar ??= CreateClient();

    /// <summary>Delivers <paramref name="orderEvent"/> as daprd does: a CloudEvent (type = the record's name) POSTed to <paramref name="route"/>.</summary>
    /// <summary>
    /// Delivers one event as daprd does to this bulk subscriber: a batch with one entry, the CloudEvent; the status is
    /// the one the app gave that entry (null when the request failed).
    /// </summary>
    public Task<(HttpResponseMessage Response, string? Status)> DeliverAsync<T>(T orderEvent, string? route = null, CancellationToken cancellationToken = default)
        where T : IOrderEvent =>
        DeliverDataAsync(typeof(T).Name, orderEvent, route, cancellationToken);

    /// <summary>As <see cref="DeliverAsync{T}"/>, with any data under a CloudEvent of <paramref name="type"/>.</summary>
    public async Task<(HttpResponseMessage Response, string? Status)> DeliverDataAsync(string type, object? data, string? route = null, CancellationToken cancellationToken = default)
    {
        var cloudEvent = new Dictionary<string, object?>
        {
            ["specversion"] = "1.0",
            ["id"] = Guid.NewGuid().ToString(),
            ["source"] = "ordering",
            ["type"] = type,
            ["datacontenttype"] = "application/json",
            ["pubsubname"] = "pubsub",
            ["topic"] = "order-events",
            ["data"] = data,
        };
        var entryId = Guid.NewGuid().ToString();
        var batch = new Dictionary<string, object?>
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["type"] = "com.dapr.event.sent",
            ["topic"] = "order-events",
            ["pubsubname"] = "pubsub",
            ["metadata"] = new Dictionary<string, string>(),
            ["entries"] = new[] { new Dictionary<string, object?> { ["entryId"] = entryId, ["event"] = cloudEvent, ["contentType"] = "application/cloudevents+json" } },
        };
        var content = new StringContent(JsonSerializer.Serialize(batch, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        var response = await Sidecar().PostAsync(route ?? $"/events/order-events/{type}", content, cancellationToken);
        string? status = null;
        if (response.IsSuccessStatusCode)
        {
            var statuses = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken)).GetProperty("statuses");
            status = statuses.EnumerateArray().Single(s => s.GetProperty("entryId").GetString() == entryId).GetProperty("status").GetString();
        }
        return (response, status);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(Mailbox))
            Directory.Delete(Mailbox, recursive: true);
    }
}
