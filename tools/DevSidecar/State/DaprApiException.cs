using Grpc.Core;

namespace ShopDapr.DevSidecar.State;

/// <summary>
/// An error as daprd reports it: the gRPC status, the HTTP status and the Dapr error code, with daprd's message.
/// The building blocks' services throw it; the gRPC API turns it into an <see cref="RpcException"/>, the HTTP API
/// into Dapr's JSON body <c>{"errorCode": …, "message": …}</c>.
/// </summary>
public sealed class DaprApiException(StatusCode grpcStatus, int httpStatus, string errorCode, string message) : Exception(message)
{
    public StatusCode GrpcStatus { get; } = grpcStatus;

    public int HttpStatus { get; } = httpStatus;

    public string ErrorCode { get; } = errorCode;

    public RpcException ToRpc() => new(new Status(GrpcStatus, Message));

    public IResult ToHttp() => Results.Json(new DaprErrorBody(ErrorCode, Message), statusCode: HttpStatus);

    /// <summary>A request body that does not parse: 400 ERR_MALFORMED_REQUEST "failed deserializing HTTP body: …".</summary>
    public static DaprApiException MalformedBody(string detail) =>
        new(StatusCode.InvalidArgument, StatusCodes.Status400BadRequest, "ERR_MALFORMED_REQUEST", $"failed deserializing HTTP body: {detail}");
}

public sealed record DaprErrorBody(string ErrorCode, string Message);

public static class DaprApiErrorFilter
{
    /// <summary>Answers a <see cref="DaprApiException"/> thrown by any endpoint of the group with Dapr's JSON error body.</summary>
    public static TBuilder WithDaprErrors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (DaprApiException e)
            {
                return e.ToHttp();
            }
        });
}
