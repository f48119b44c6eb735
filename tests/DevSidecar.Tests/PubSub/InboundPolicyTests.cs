using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using ShopDapr.DevSidecar.PubSub;
using ShopDapr.DevSidecar.PubSub.Subscriptions;
using ShopDapr.DevSidecar.Resiliency;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>
/// One subscription's delivery driven directly (awaitable, so the outcome is known when it returns), with a broker that
/// records what is dead-lettered and a Polly retry standing in for a Resiliency file's inbound policy.
/// </summary>
public sealed class InboundPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Inbound_policy_retries_RETRY_answers_until_the_app_succeeds()
    {
        var attempts = 0;
        await using var rig = await Rig.StartAsync(() => Interlocked.Increment(ref attempts) < 3 ? Results.Json(new { status = "RETRY" }) : Results.Json(new { status = "SUCCESS" }));

        await rig.DeliverAsync(Rig.Event("e-1"), new RetryPolicies(maxRetries: 5));

        Assert.Equal(3, attempts);
        Assert.Empty(rig.DeadLetters);
    }

    [Fact]
    public async Task Retries_exhausted_send_the_original_event_to_the_dead_letter_topic()
    {
        var attempts = 0;
        await using var rig = await Rig.StartAsync(() => { Interlocked.Increment(ref attempts); return Results.StatusCode(503); });
        var message = Rig.Event("e-2");

        await rig.DeliverAsync(message, new RetryPolicies(maxRetries: 2));

        Assert.Equal(3, attempts);
        var dead = Assert.Single(rig.DeadLetters);
        Assert.Equal("deadletter", dead.Topic);
        Assert.Equal(message.Data.ToArray(), dead.Data.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"status\":\"SUCCESS\"}")]
    [InlineData("{\"status\":\"\"}")]
    [InlineData("not json at all")]
    public async Task Two_hundred_with_empty_success_or_unreadable_body_is_done(string body)
    {
        var attempts = 0;
        await using var rig = await Rig.StartAsync(() => { Interlocked.Increment(ref attempts); return Results.Text(body, "application/json"); });

        await rig.DeliverAsync(Rig.Event("e-3"), new RetryPolicies(maxRetries: 3));

        Assert.Equal(1, attempts);
        Assert.Empty(rig.DeadLetters);
    }

    [Fact]
    public async Task Unknown_status_is_retried_like_RETRY()
    {
        var attempts = 0;
        await using var rig = await Rig.StartAsync(() => { Interlocked.Increment(ref attempts); return Results.Json(new { status = "MAYBE" }); });

        await rig.DeliverAsync(Rig.Event("e-4"), new RetryPolicies(maxRetries: 1));

        Assert.Equal(2, attempts);
        Assert.Single(rig.DeadLetters);
    }

    [Fact]
    public async Task Expired_event_is_dead_lettered_without_reaching_the_app()
    {
        var attempts = 0;
        await using var rig = await Rig.StartAsync(() => { Interlocked.Increment(ref attempts); return Results.Ok(); });
        var expired = Rig.Event("old", new JsonObject { ["expiration"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") });

        await rig.DeliverAsync(expired, NoResiliencyPolicies.Instance);

        Assert.Equal(0, attempts);
        Assert.Single(rig.DeadLetters);
    }

    [Fact]
    public async Task A_rule_that_does_not_give_a_boolean_dead_letters_the_event()
    {
        var attempts = 0;
        await using var rig = await Rig.StartAsync(() => { Interlocked.Increment(ref attempts); return Results.Ok(); },
            [new RoutingRule("event.type", "handle"), new RoutingRule(null, "handle")]);

        await rig.DeliverAsync(Rig.Event("e-5"), NoResiliencyPolicies.Instance);

        Assert.Equal(0, attempts);
        Assert.Single(rig.DeadLetters);
    }

    [Fact]
    public async Task Without_a_dead_letter_topic_a_failed_event_is_logged_with_its_id_and_topic()
    {
        await using var rig = await Rig.StartAsync(() => Results.Json(new { status = "RETRY" }), deadLetterTopic: null);

        await rig.DeliverAsync(Rig.Event("lost-1"), NoResiliencyPolicies.Instance);

        Assert.Empty(rig.DeadLetters);
        var line = Assert.Single(rig.Log.Lines, l => l.Level == LogLevel.Error);
        Assert.Contains("lost-1", line.Text);
        Assert.Contains("orders", line.Text);
    }

    private sealed class Rig : IAsyncDisposable
    {
        private readonly TestSidecar _dapr;
        private readonly SubscriberApp _app;
        private readonly SubscriptionInfo _info;
        private readonly RecordingPubSub _broker = new();

        private Rig(TestSidecar dapr, SubscriberApp app, SubscriptionInfo info)
        {
            _dapr = dapr;
            _app = app;
            _info = info;
        }

        public IReadOnlyCollection<PubSubMessage> DeadLetters => _broker.Published;

        public ListLogger Log { get; } = new();

        public static async Task<Rig> StartAsync(Func<IResult> answer, IReadOnlyList<RoutingRule>? rules = null, string? deadLetterTopic = "deadletter")
        {
            var app = await SubscriberApp.StartAsync(a => a.MapPost("/handle", answer));
            var dapr = await TestSidecar.StartAsync(PubSubYaml.InMemory(), "policy-app", app.Channel);
            var info = new SubscriptionInfo(PubSubYaml.Pubsub, "orders", rules ?? [new RoutingRule(null, "handle")], deadLetterTopic,
                new Dictionary<string, string>(), null, SubscriptionType.Programmatic);
            return new Rig(dapr, app, info);
        }

        public static PubSubMessage Event(string id, JsonObject? extra = null)
        {
            var ce = new JsonObject { ["id"] = id, ["specversion"] = "1.0", ["type"] = "t", ["source"] = "s", ["topic"] = "orders", ["data"] = "x" };
            foreach (var (k, v) in extra ?? [])
                ce[k] = v?.DeepClone();
            return new PubSubMessage("orders", Encoding.UTF8.GetBytes(ce.ToJsonString()), new Dictionary<string, string>());
        }

        public Task DeliverAsync(PubSubMessage message, IResiliencyPolicies policies)
        {
            var delivery = new SubscriptionDelivery(_info, _broker, _dapr.Sidecar.Context.App!,
                new Publisher(_dapr.Sidecar.Context, policies, TimeProvider.System), policies, TimeProvider.System, Log);
            return delivery.HandleAsync(message, Ct);
        }

        public async ValueTask DisposeAsync()
        {
            await _dapr.DisposeAsync();
            await _app.DisposeAsync();
        }
    }

    public sealed class ListLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue((logLevel, formatter(state, exception)));
    }

    private sealed class RecordingPubSub : IPubSub
    {
        public ConcurrentQueue<PubSubMessage> Published { get; } = new();

        public Task PublishAsync(PubSubMessage message, CancellationToken cancellationToken)
        {
            Published.Enqueue(message);
            return Task.CompletedTask;
        }

        public IDisposable Subscribe(string topic, string consumerGroup, PubSubHandler handler) => throw new NotSupportedException();
    }

    /// <summary>A Polly retry on every inbound component target, as <c>retries: N</c> with a constant 1 ms back-off would be.</summary>
    private sealed class RetryPolicies(int maxRetries) : IResiliencyPolicies
    {
        private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = maxRetries, Delay = TimeSpan.FromMilliseconds(1), BackoffType = DelayBackoffType.Constant })
            .Build();

        public ResiliencePipeline ForApp(string appId) => ResiliencePipeline.Empty;

        public ResiliencePipeline ForComponent(string componentName, ComponentDirection direction) =>
            direction == ComponentDirection.Inbound ? _retry : ResiliencePipeline.Empty;

        public ResiliencePipeline ForActor(string actorType) => ResiliencePipeline.Empty;
    }
}
