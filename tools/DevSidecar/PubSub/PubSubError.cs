using Grpc.Core;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// A pub/sub API error with daprd's codes (dapr <c>pkg/api/errors/pubsub.go</c>): the HTTP status, the gRPC status,
/// the <c>errorCode</c> and the ErrorInfo reason.
/// </summary>
public sealed class PubSubError(int httpStatus, StatusCode grpcStatus, string errorCode, string reason, string message)
    : Exception(message)
{
    public int HttpStatus { get; } = httpStatus;
    public StatusCode GrpcStatus { get; } = grpcStatus;
    public string ErrorCode { get; } = errorCode;
    public string Reason { get; } = reason;

    public static PubSubError NameEmpty() =>
        new(404, StatusCode.InvalidArgument, "ERR_PUBSUB_EMPTY", "DAPR_PUBSUB_NAME_EMPTY", "pubsub name is empty");

    public static PubSubError NotFound(string pubsub) =>
        new(404, StatusCode.InvalidArgument, "ERR_PUBSUB_NOT_FOUND", "DAPR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} is not found");

    public static PubSubError TopicEmpty(string pubsub) =>
        new(404, StatusCode.InvalidArgument, "ERR_TOPIC_NAME_EMPTY", "DAPR_PUBSUB_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}");

    public static PubSubError Metadata(string problem) =>
        new(400, StatusCode.InvalidArgument, "ERR_PUBSUB_REQUEST_METADATA", "DAPR_PUBSUB_METADATA_DESERIALIZATION", $"failed deserializing metadata. Error: {problem}");

    /// <summary>daprd answers HTTP 500 here; a body the app sent wrong is a 4xx in this sidecar.</summary>
    public static PubSubError CloudEventCreation() =>
        new(400, StatusCode.InvalidArgument, "ERR_PUBSUB_CLOUD_EVENTS_SER", "DAPR_PUBSUB_CLOUD_EVENT_CREATION", "cannot create cloudevent");

    public static PubSubError PublishMessage(string pubsub, string topic, Exception error) =>
        new(500, StatusCode.Internal, "ERR_PUBSUB_PUBLISH_MESSAGE", "DAPR_PUBSUB_PUBLISH_MESSAGE",
            $"error when publishing to topic {topic} in pubsub {pubsub}: {error.Message}");

    public static PubSubError MarshalEvents(string pubsub, string topic, string problem) =>
        new(400, StatusCode.InvalidArgument, "ERR_PUBSUB_EVENTS_SER", "DAPR_PUBSUB_MARSHAL_EVENTS",
            $"error marshaling events to bytes for topic {topic} pubsub {pubsub}. error: {problem}");

    public static PubSubError MarshalEnvelope(string pubsub, string topic, string problem) =>
        new(400, StatusCode.InvalidArgument, "ERR_PUBSUB_EVENTS_SER", "DAPR_PUBSUB_MARSHAL_ENVELOPE",
            $"error when marshalling cloud event envelope for topic {topic} pubsub {pubsub}: {problem}");

    public static PubSubError UnmarshalEvents(string pubsub, string topic, string problem) =>
        new(400, StatusCode.InvalidArgument, "ERR_PUBSUB_EVENTS_SER", "DAPR_PUBSUB_UNMARSHAL_EVENTS",
            $"error when unmarshaling the request for topic {topic} pubsub {pubsub}: {problem}");

    public RpcException ToRpc() => new(new Status(GrpcStatus, Message));

    public IResult ToHttp() => Results.Json(
        new HttpErrorBody(ErrorCode, Message, [new ErrorInfo("type.googleapis.com/google.rpc.ErrorInfo", Reason, "dapr.io")]),
        PubSubJson.Options, statusCode: HttpStatus);

    private sealed record HttpErrorBody(string ErrorCode, string Message, IReadOnlyList<ErrorInfo> Details);

    private sealed record ErrorInfo(
        [property: System.Text.Json.Serialization.JsonPropertyName("@type")] string Type, string Reason, string Domain);
}
