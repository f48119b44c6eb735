using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>One POST the app received, as the sidecar sent it (recorded before the SDK's CloudEvents middleware).</summary>
public sealed record Delivery(string App, string Path, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>
/// An in-process ASP.NET Core app written against Dapr.AspNetCore (<c>UseCloudEvents</c>, <c>MapSubscribeHandler</c>, topics on
/// endpoints), served by TestServer. Every POST it gets is recorded per path so tests await deliveries instead of sleeping.
/// </summary>
public sealed class SubscriberApp : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, Channel<Delivery>> _byPath = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<Delivery> _all;
    private WebApplication _app = null!;

    private SubscriberApp(string name, Channel<Delivery>? shared)
    {
        Name = name;
        _all = shared ?? System.Threading.Channels.Channel.CreateUnbounded<Delivery>();
    }

    public string Name { get; }

    public AppChannelOptions Channel => AppChannelOptions.FromHandler(_app.GetTestServer().CreateHandler());

    public HttpMessageHandler Handler => _app.GetTestServer().CreateHandler();

    /// <param name="shared">Replicas can share one feed of deliveries to check that each event arrives once.</param>
    /// <param name="sdkSubscribeHandler">false when the test serves its own <c>GET /dapr/subscribe</c>.</param>
    public static async Task<SubscriberApp> StartAsync(Action<WebApplication> map, string name = "app", Channel<Delivery>? shared = null, bool sdkSubscribeHandler = true)
    {
        var sub = new SubscriberApp(name, shared);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(sub.RecordAsync);
        app.UseCloudEvents();
        if (sdkSubscribeHandler)
            app.MapSubscribeHandler();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        sub._app = app;
        return sub;
    }

    /// <summary>The next event POSTed to <paramref name="path"/>; fails after <see cref="Deadline"/>.</summary>
    public async Task<Delivery> NextAsync(string path) =>
        await Feed(path).Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Deadline, TestContext.Current.CancellationToken);

    /// <summary>The next event POSTed anywhere (to this app, or to any replica sharing the feed).</summary>
    public async Task<Delivery> NextAnyAsync() =>
        await _all.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Deadline, TestContext.Current.CancellationToken);

    public bool TryNext(string path, out Delivery delivery) => Feed(path).Reader.TryRead(out delivery!);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Channel<Delivery> Feed(string path) => _byPath.GetOrAdd(path.TrimStart('/'), _ => System.Threading.Channels.Channel.CreateUnbounded<Delivery>());

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        if (HttpMethods.IsPost(context.Request.Method))
        {
            context.Request.EnableBuffering();
            using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var delivery = new Delivery(Name, context.Request.Path.Value!.TrimStart('/'), context.Request.ContentType, body, headers);
            await next(context);
            // Recorded after the app answered, so a test sees the delivery once the app has handled it.
            Feed(delivery.Path).Writer.TryWrite(delivery);
            _all.Writer.TryWrite(delivery);
            return;
        }
        await next(context);
    }
}

public static class PubSubYaml
{
    public const string Pubsub = "pubsub";
    public const string InMemoryKind = "in-memory";
    public const string RedisKind = "redis";
    public const string RabbitMqKind = "rabbitmq";

    /// <summary>The brokers the delivery tests run on: in-process, and a real redis-server and rabbitmq-server shared by the test run.</summary>
    public static TheoryData<string> Kinds => [InMemoryKind, RedisKind, RabbitMqKind];

    /// <summary>A <c>pubsub</c> component of <paramref name="kind"/>; a Redis one gets a database of its own.</summary>
    public static Dictionary<string, string> For(string kind, params (string Name, string Value)[] metadata) => new()
    {
        ["pubsub.yaml"] = kind switch
        {
            InMemoryKind => Yaml.Component(Pubsub, "pubsub.in-memory", metadata),
            RedisKind => Yaml.Component(Pubsub, "pubsub.redis", [.. State.StateStores.RedisMetadata(), .. metadata]),
            RabbitMqKind => Yaml.Component(Pubsub, "pubsub.rabbitmq", [.. RabbitMqMetadata(), .. metadata]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown broker kind"),
        },
    };

    /// <summary><c>connectionString</c> of the shared broker, on a virtual host of its own.</summary>
    public static (string, string)[] RabbitMqMetadata() =>
        [("connectionString", State.StateStores.Server(RabbitMqServer.Binary, "rabbitmq-server", () => RabbitMqServer.Shared).NextConnectionString())];

    public static Dictionary<string, string> InMemory(params (string File, string Yaml)[] more)
    {
        var files = new Dictionary<string, string> { ["pubsub.yaml"] = Yaml.Component(Pubsub, "pubsub.in-memory") };
        foreach (var (file, yaml) in more)
            files[file] = yaml;
        return files;
    }
}
