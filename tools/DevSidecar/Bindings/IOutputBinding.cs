namespace ShopDapr.DevSidecar.Bindings;

/// <summary>What an app sends to an output binding: <c>{data, metadata, operation}</c>.</summary>
public sealed record BindingRequest(string Operation, byte[] Data, IReadOnlyDictionary<string, string> Metadata);

/// <summary>What the binding answers; <see cref="Data"/> null means no body (HTTP 204).</summary>
public sealed record BindingResponse(byte[]? Data, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A Dapr output binding.</summary>
public interface IOutputBinding
{
    IReadOnlyList<string> Operations { get; }

    Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken);
}

/// <summary>A request the client got wrong (path outside rootPath, missing fileName …): gRPC InvalidArgument, HTTP 400.</summary>
public sealed class BindingRequestException(string message) : Exception(message);
