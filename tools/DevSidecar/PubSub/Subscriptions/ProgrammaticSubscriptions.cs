using System.Net;
using System.Text.Json;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>
/// <c>GET /dapr/subscribe</c> as daprd reads it (dapr <c>pkg/runtime/pubsub/subscriptions.go</c>): keys in any case,
/// v1 <c>route</c> or v2 <c>routes</c>; 404 means none; a subscription without any route is left out.
/// </summary>
internal static partial class ProgrammaticSubscriptions
{
    /// <summary>Asks the app; null when it cannot be reached (not started yet) or the call fails in any other way (asked again).</summary>
    public static async Task<List<SubscriptionInfo>?> TryGetAsync(AppChannel app, ILogger logger, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await app.Client.GetAsync("dapr/subscribe", cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            CallFailed(logger, e.Message); // the app's channel failed in some other way: ask again, as for a closed port
            return null;
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
                return [];
            if (response.StatusCode != HttpStatusCode.OK)
            {
                UnexpectedStatus(logger, (int)response.StatusCode);
                return [];
            }
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            List<SubscriptionJson>? items;
            try
            {
                items = body.Length == 0 ? [] : JsonSerializer.Deserialize<List<SubscriptionJson>>(body, PubSubJson.Options);
            }
            catch (JsonException e)
            {
                Unreadable(logger, e.Message);
                return [];
            }
            var result = new List<SubscriptionInfo>();
            foreach (var item in items ?? [])
            {
                var rules = new List<RoutingRule>();
                foreach (var r in item.Routes?.Rules ?? [])
                {
                    var match = string.IsNullOrWhiteSpace(r.Match) ? null : r.Match.Trim();
                    if (match is not null && RoutingRules.CompileError(match) is { } error)
                    {
                        InvalidMatch(logger, item.Topic ?? "", match, error);
                        return [];
                    }
                    rules.Add(new RoutingRule(match, r.Path ?? ""));
                }
                if (!string.IsNullOrEmpty(item.Routes?.Default))
                    rules.Add(new RoutingRule(null, item.Routes.Default));
                else if (!string.IsNullOrEmpty(item.Route))
                    rules.Add(new RoutingRule(null, item.Route));
                if (rules.Count == 0)
                {
                    EmptyRoutes(logger, item.Topic ?? "");
                    continue;
                }
                var bulk = item.BulkSubscribe is { } b
                    ? new BulkSubscribeOptions(b.Enabled,
                        b.MaxMessagesCount > 0 ? b.MaxMessagesCount : BulkSubscribeOptions.DefaultMaxMessagesCount,
                        b.MaxAwaitDurationMs > 0 ? b.MaxAwaitDurationMs : BulkSubscribeOptions.DefaultMaxAwaitDurationMs)
                    : null;
                result.Add(new SubscriptionInfo(item.PubsubName ?? "", item.Topic ?? "", rules,
                    string.IsNullOrEmpty(item.DeadLetterTopic) ? null : item.DeadLetterTopic,
                    item.Metadata ?? [], bulk, SubscriptionType.Programmatic));
            }
            return result;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "asking the app for its subscriptions failed: {Problem}; asking again")]
    private static partial void CallFailed(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "app returned http status code {Status} from subscription endpoint")]
    private static partial void UnexpectedStatus(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "error getting topics from app: {Problem}")]
    private static partial void Unreadable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "subscription to topic {Topic}: match '{Match}' is not valid CEL: {Problem}; no subscriptions taken from the app")]
    private static partial void InvalidMatch(ILogger logger, string topic, string match, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "topic {Topic} has an empty routes. removing from subscriptions list")]
    private static partial void EmptyRoutes(ILogger logger, string topic);

    private sealed record SubscriptionJson(
        string? PubsubName, string? Topic, string? Route, RoutesJson? Routes, Dictionary<string, string>? Metadata,
        string? DeadLetterTopic, BulkJson? BulkSubscribe);

    private sealed record RoutesJson(List<RuleJson>? Rules, string? Default);

    private sealed record RuleJson(string? Match, string? Path);

    private sealed record BulkJson(bool Enabled, int MaxMessagesCount, int MaxAwaitDurationMs);
}
