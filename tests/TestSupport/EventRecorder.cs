using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ShopDapr.Testing;

/// <summary>One event as a subscriber received it from the sidecar: its topic, CloudEvent type and data (and its id and source).</summary>
public sealed record PublishedEvent(string PubSub, string Topic, string Type, JsonElement Data, string Id = "", string Source = "")
{
    public T As<T>() => Data.Deserialize<T>(PublishedEvents.Json) ?? throw new InvalidOperationException($"no {typeof(T).Name} in {Data}");
}

/// <summary>What an <see cref="EventRecorder"/> has received, in arrival order; waits for an event with a deadline.</summary>
public sealed class PublishedEvents
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentQueue<PublishedEvent> _events = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<PublishedEvent> All => [.. _events];

    public int Count => _events.Count;

    /// <summary>The data of every event on <paramref name="topic"/> whose CloudEvent type is the record's name (as ShopDapr publishes integration events).</summary>
    public IReadOnlyList<T> OfType<T>(string? topic = null) =>
        [.. _events.Where(e => e.Type == typeof(T).Name && (topic is null || e.Topic == topic)).Select(e => e.As<T>())];

    /// <summary>The first event that matches, waiting up to 20 s for it.</summary>
    public async Task<PublishedEvent> WaitForAsync(Func<PublishedEvent, bool> match, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            Task arrived;
            lock (_gate)
                arrived = _arrived.Task;
            if (_events.FirstOrDefault(match) is { } found)
                return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"No matching event in 20 s; received: {string.Join(", ", _events.Select(e => $"{e.Topic}/{e.Type}"))}");
            await Task.WhenAny(arrived, Task.Delay(left, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    internal void Add(PublishedEvent e)
    {
        _events.Enqueue(e);
        lock (_gate)
        {
            _arrived.TrySetResult();
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}

/// <summary>
/// An in-process app (TestServer) that stands behind its own sidecar with a declarative subscription to every topic
/// (<see cref="DevDapr"/> writes it) and records each CloudEvent it is delivered.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    public const string AppId = "event-recorder";
    public const string Route = "/recorded";

    private WebApplication _app = null!;

    private EventRecorder()
    {
    }

    public PublishedEvents Events { get; } = new();

    public HttpMessageHandler CreateHandler() => _app.CreateHandler();

    public static async Task<EventRecorder> StartAsync(CancellationToken cancellationToken)
    {
        var recorder = new EventRecorder();
        recorder._app = await TestServerApp.StartAsync(app => app.MapPost(Route, async (HttpContext http) =>
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            var e = doc.RootElement;
            // A subscriber of every topic also gets the outbox's internal messages (topic {appId}{topic}outbox, on which the
            // sidecar hands an event to itself before the transaction commits): not events the app published.
            var topic = e.TryGetProperty("topic", out var t) ? t.GetString() ?? "" : "";
            if (topic.Length == 0 || topic.EndsWith("outbox", StringComparison.Ordinal))
                return Results.Ok();
            recorder.Events.Add(new PublishedEvent(
                e.GetProperty("pubsubname").GetString()!,
                topic,
                e.GetProperty("type").GetString()!,
                e.TryGetProperty("data", out var data) ? data.Clone() : default,
                e.TryGetProperty("id", out var id) ? id.GetString() ?? "" : "",
                e.TryGetProperty("source", out var source) ? source.GetString() ?? "" : ""));
            return Results.Ok();
        }), cancellationToken);
        return recorder;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
