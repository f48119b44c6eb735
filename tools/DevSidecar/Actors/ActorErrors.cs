namespace ShopDapr.DevSidecar.Actors;

/// <summary>A failure of the actor API as daprd reports it: HTTP status, error code and message.</summary>
public sealed class ActorApiException(int status, string errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string ErrorCode { get; } = errorCode;

    public IResult ToResult() => Results.Json(new { errorCode = ErrorCode, message = Message }, statusCode: Status);
}

/// <summary>daprd's actor errors (dapr <c>pkg/messages/predefined.go</c>), with their codes, statuses and texts.</summary>
public static class ActorErrors
{
    public static ActorApiException InstanceMissing() =>
        new(StatusCodes.Status400BadRequest, "ERR_ACTOR_INSTANCE_MISSING", "actor instance is missing");

    public static ActorApiException Invoke(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method: {detail}");

    public static ActorApiException RuntimeNotFound() =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_RUNTIME_NOT_FOUND",
            "the state store is not configured to use the actor runtime. Have you set the - name: actorStateStore value: \"true\" in your state store component file?");

    public static ActorApiException NoAppChannel() =>
        new(StatusCodes.Status400BadRequest, "ERR_ACTOR_NO_APP_CHANNEL", "app channel is not initialized");

    public static ActorApiException StateGet(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_STATE_GET", $"error getting actor state: {detail}");

    public static ActorApiException StateTransactionSave(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_STATE_TRANSACTION_SAVE", $"error saving actor transaction state: {detail}");

    public static ActorApiException ReminderNotHosted() =>
        new(StatusCodes.Status403Forbidden, "ERR_ACTOR_REMINDER_NON_HOSTED", "operations on actor reminders are only possible on hosted actor types");

    public static ActorApiException ReminderCreate(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_REMINDER_CREATE", $"error creating actor reminder: {detail}");

    public static ActorApiException ReminderGet(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_REMINDER_GET", $"error getting actor reminder: {detail}");

    public static ActorApiException ReminderDelete(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_REMINDER_DELETE", $"error deleting actor reminder: {detail}");

    public static ActorApiException ReminderNotFound(string name) =>
        new(StatusCodes.Status404NotFound, "ERR_ACTOR_REMINDER_NOT_FOUND", $"actor reminder not found: {name}");

    public static ActorApiException TimerCreate(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_TIMER_CREATE", $"error creating actor timer: {detail}");

    public static ActorApiException MaxStackDepthExceeded() =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_STACK_DEPTH", "maximum stack depth exceeded");

    public static ActorApiException NoAddress(string actorKey) =>
        new(StatusCodes.Status404NotFound, "ERR_ACTOR_NO_ADDRESS", $"did not find address for actor '{actorKey}'");

    /// <summary>daprd keeps <c>dapr.internal.*</c> types (workflow actors) away from the user-facing state, reminder and timer APIs.</summary>
    public static void RejectReserved(string actorType)
    {
        if (actorType.StartsWith("dapr.internal.", StringComparison.Ordinal))
        {
            throw new ActorApiException(StatusCodes.Status403Forbidden, "ERR_ACTOR_TYPE_RESERVED",
                $"actor type \"{actorType}\" is reserved for the Dapr workflow runtime; direct actor API access is not permitted");
        }
    }

    public static ActorApiException MalformedRequest(string detail) =>
        new(StatusCodes.Status400BadRequest, "ERR_MALFORMED_REQUEST", $"failed deserializing HTTP body: {detail}");

    public static ActorApiException BadRequest(string detail) =>
        new(StatusCodes.Status400BadRequest, "ERR_BAD_REQUEST", $"invalid request: {detail}");
}
