using System.Text;
using System.Text.Json;
using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.Contracts.Ordering;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Notifications.Tests;

/// <summary>
/// Notifications in-process on a real dev sidecar (<see cref="DevDapr"/>), its <c>mail</c> binding a real
/// <c>bindings.localstorage</c> writing into <see cref="Mailbox"/>. The app's DaprClient is a real one with a hook on
/// its wire: <see cref="Requests"/> records each binding call the app made, and <see cref="BeforeMarkerWrite"/> can hold
/// a marker write (for races the sidecar cannot be asked to line up). One app and sidecar per test: the tests count
/// every file in the mailbox and every key in the store.
/// </summary>
public sealed class NotificationsFactory : ShopAppFactory<Program>
{
    private NotificationsFactory(DevDapr dapr, string mailbox)
    {
        Dapr = dapr;
        Mailbox = mailbox;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
        var client = dapr.CreateClient(OnCallAsync);
        ConfigureServices = services => services.RemoveAll<DaprClient>().AddSingleton(client);
    }

    public static async Task<NotificationsFactory> StartAsync(CancellationToken cancellationToken)
    {
        var mailbox = Directory.CreateTempSubdirectory("shop-mail-").FullName;
        var dapr = await DevDapr.StartAsync(ShopNames.AppIds.Notifications, cancellationToken, apiToken: DefaultDaprApiToken,
            resources: new Dictionary<string, string> { ["mail.yaml"] = DevDapr.Component("mail", "bindings.localstorage", ("rootPath", mailbox)) });
        return new NotificationsFactory(dapr, mailbox);
    }

    public DevDapr Dapr { get; }

    public string Mailbox { get; }

    /// <summary>Every output binding call the app made, as it went to the sidecar.</summary>
    public List<InvokeBindingRequest> Requests { get; } = [];

    /// <summary>Runs before each state write the app sends, before the sidecar sees it.</summary>
    public Func<Task>? BeforeMarkerWrite { get; set; }

    /// <summary>
    /// Until disposed, the mailbox folder is a plain file: the real localstorage binding fails every send (it cannot
    /// create its file), as a full disk or a broken mail relay would make it.
    /// </summary>
    public IDisposable BreakMailbox()
    {
        Directory.Delete(Mailbox, recursive: true);
        File.WriteAllText(Mailbox, "not a folder");
        return new Restore(Mailbox);
    }

    private sealed class Restore(string mailbox) : IDisposable
    {
        public void Dispose()
        {
            File.Delete(mailbox);
            Directory.CreateDirectory(mailbox);
        }
    }

    public string[] Mails() => Directory.GetFiles(Mailbox).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private async Task OnCallAsync(string method, byte[] body)
    {
        switch (method)
        {
            case "InvokeBinding":
                // A gRPC message: 1 byte compressed flag, 4 bytes length, then the protobuf.
                var request = InvokeBindingRequest.Parser.ParseFrom(body.AsSpan(5));
                lock (Requests)
                    Requests.Add(request);
                break;
            case "SaveState" or "ExecuteStateTransaction" when BeforeMarkerWrite is { } hold:
                await hold();
                break;
        }
    }

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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Dapr.DisposeAsync();
        if (Directory.Exists(Mailbox))
            Directory.Delete(Mailbox, recursive: true);
    }
}
