using System.Text.Json;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// The actor half of the sidecar HTTP API (dapr <c>pkg/api/http/actors.go</c>), which the SDK's actor proxy, state
/// provider and timer/reminder managers call: method invocation, reminders and timers. State is in <see cref="ActorStateApi"/>.
/// Errors are <see cref="DaprApiException"/>s, answered as daprd's JSON by the group's filter.
/// </summary>
internal static class ActorHttpApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapActorApi(this IEndpointRouteBuilder v1)
    {
        var actors = v1.MapGroup("/actors/{actorType}/{actorId}").WithDaprErrors();
        actors.MapMethods("/method/{method}", ["GET", "POST", "PUT", "DELETE"], InvokeMethod);
        actors.MapMethods("/reminders/{name}", ["PUT", "POST"], CreateReminder);
        actors.MapGet("/reminders/{name}", GetReminder);
        actors.MapDelete("/reminders/{name}", DeleteReminder);
        actors.MapMethods("/timers/{name}", ["PUT", "POST"], CreateTimer);
        actors.MapDelete("/timers/{name}", DeleteTimer);
        actors.MapActorStateApi();
    }

    /// <summary>Finds the replica hosting the actor (from any app's sidecar) and forwards the call through its turn lock.</summary>
    private static async Task<IResult> InvokeMethod(HttpRequest request, string actorType, string actorId, string method, ActorRouter router,
        CancellationToken ct)
    {
        var call = await ActorCall.FromRequestAsync(request, method, ct);
        return await router.CallAsync(new ActorKey(actorType, actorId), call, ct);
    }

    private static async Task<IResult> CreateReminder(HttpRequest request, string actorType, string actorId, string name, ActorReminders reminders,
        CancellationToken ct)
    {
        ActorErrors.RejectReserved(actorType);
        var body = await ReadAsync<ReminderRequest>(request);
        await reminders.CreateAsync(new ActorKey(actorType, actorId), name, body, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> GetReminder(string actorType, string actorId, string name, ActorReminders reminders, CancellationToken ct)
    {
        ActorErrors.RejectReserved(actorType);
        return Results.Json(await reminders.GetAsync(new ActorKey(actorType, actorId), name, ct));
    }

    private static async Task<IResult> DeleteReminder(string actorType, string actorId, string name, ActorReminders reminders, CancellationToken ct)
    {
        ActorErrors.RejectReserved(actorType);
        await reminders.DeleteAsync(new ActorKey(actorType, actorId), name, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateTimer(HttpRequest request, string actorType, string actorId, string name, HostedActors hosted,
        TimeProvider time, ILogger<ActorTimer> logger, CancellationToken ct)
    {
        ActorErrors.RejectReserved(actorType);
        var body = await ReadAsync<TimerRequest>(request);
        var config = await hosted.Config.WaitAsync(ct);
        if (!config.Hosts(actorType))
            throw ActorErrors.TimerCreate($"actor type {actorType} is not hosted by app {hosted.Sidecar.AppId}");
        var actor = hosted.Activate(new ActorKey(actorType, actorId));
        ActorTimer.Start(hosted, actor, config.For(actorType).Reentrancy, name, body, time, logger);
        return Results.NoContent();
    }

    private static IResult DeleteTimer(string actorType, string actorId, string name, HostedActors hosted)
    {
        if (hosted.Find(new ActorKey(actorType, actorId)) is { } actor && actor.Timers.TryRemove(name, out var timer))
            timer.Stop();
        return Results.NoContent();
    }

    /// <summary>The JSON body, or daprd's ERR_MALFORMED_REQUEST.</summary>
    internal static async Task<T> ReadAsync<T>(HttpRequest request) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Json, request.HttpContext.RequestAborted)
                ?? throw ActorErrors.MalformedRequest("the body is empty");
        }
        catch (JsonException e)
        {
            throw ActorErrors.MalformedRequest(e.Message);
        }
    }
}
