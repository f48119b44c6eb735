using Grpc.Core;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>daprd's actor errors (dapr <c>pkg/messages/predefined.go</c>), with their codes, statuses and texts.</summary>
public static class ActorErrors
{
    public static DaprApiException InstanceMissing() =>
        new(StatusCode.Internal, StatusCodes.Status400BadRequest, "ERR_ACTOR_INSTANCE_MISSING", "actor instance is missing");

    public static DaprApiException Invoke(string detail) =>
        new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method: {detail}");

    public static DaprApiException RuntimeNotFound() =>
        new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "ERR_ACTOR_RUNTIME_NOT_FOUND",
            "the state store is not configured to use the actor runtime. Have you set the - name: actorStateStore value: \"true\" in your state store component file?");

    public static DaprApiException NoAppChannel() =>
        new(StatusCode.Unavailable, StatusCodes.Status400BadRequest, "ERR_ACTOR_NO_APP_CHANNEL", "app channel is not initialized");

    public static DaprApiException StateGet(string detail) =>
        new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "ERR_ACTOR_STATE_GET", $"error getting actor state: {detail}");

    public static DaprApiException StateTransactionSave(string detail) =>
        new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "ERR_ACTOR_STATE_TRANSACTION_SAVE", $"error saving actor transaction state: {detail}");

    public static DaprApiException ReminderNotHosted() =>
        new(StatusCode.PermissionDenied, StatusCodes.Status403Forbidden, "ERR_ACTOR_REMINDER_NON_HOSTED", "operations on actor reminders are only possible on hosted actor types");

    public static DaprApiException ReminderCreate(string detail) =>
        new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "ERR_ACTOR_REMINDER_CREATE", $"error creating actor reminder: {detail}");

    public static DaprApiException ReminderGet(string detail) =>
        new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "ERR_ACTOR_REMINDER_GET", $"error getting actor reminder: {detail}");

    public static DaprApiException ReminderDelete(string detail) =>
        new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "ERR_ACTOR_REMINDER_DELETE", $"error deleting actor reminder: {detail}");

    public static DaprApiException ReminderNotFound(string name) =>
        new(StatusCode.NotFound, StatusCodes.Status404NotFound, "ERR_ACTOR_REMINDER_NOT_FOUND", $"actor reminder not found: {name}");

    public static DaprApiException TimerCreate(string detail) =>
        new(StatusCode.Internal, StatusCodes.Status500InternalServerError, "ERR_ACTOR_TIMER_CREATE", $"error creating actor timer: {detail}");

    public static DaprApiException MaxStackDepthExceeded() =>
        new(StatusCode.ResourceExhausted, StatusCodes.Status500InternalServerError, "ERR_ACTOR_STACK_DEPTH", "maximum stack depth exceeded");

    public static DaprApiException NoAddress(string actorKey) =>
        new(StatusCode.FailedPrecondition, StatusCodes.Status404NotFound, "ERR_ACTOR_NO_ADDRESS", $"did not find address for actor '{actorKey}'");

    /// <summary>daprd keeps <c>dapr.internal.*</c> types (workflow actors) away from the user-facing state, reminder and timer APIs.</summary>
    public static void RejectReserved(string actorType)
    {
        if (actorType.StartsWith("dapr.internal.", StringComparison.Ordinal))
        {
            throw new DaprApiException(StatusCode.PermissionDenied, StatusCodes.Status403Forbidden, "ERR_ACTOR_TYPE_RESERVED",
                $"actor type \"{actorType}\" is reserved for the Dapr workflow runtime; direct actor API access is not permitted");
        }
    }

    public static DaprApiException MalformedRequest(string detail) =>
        new(StatusCode.InvalidArgument, StatusCodes.Status400BadRequest, "ERR_MALFORMED_REQUEST", $"failed deserializing HTTP body: {detail}");

    public static DaprApiException BadRequest(string detail) =>
        new(StatusCode.InvalidArgument, StatusCodes.Status400BadRequest, "ERR_BAD_REQUEST", $"invalid request: {detail}");
}
