namespace ShopDapr.DevSidecar.Invocation;

/// <summary>A call on its way to an app: what daprd's InvokeMethodRequest carries for an HTTP app. Bodies are buffered so a retry can resend them.</summary>
public sealed record InvocationRequest(
    string Method,
    string Verb,
    string? QueryString,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    string? ContentType)
{
    /// <summary>The W3C trace context the caller's sidecar continues (null: it starts one).</summary>
    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }
}

/// <summary>The app's answer, passed back to the caller unchanged.</summary>
public sealed record InvocationResponse(
    int StatusCode,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    string? ContentType);

/// <summary>
/// An invocation that reached no app answer. <see cref="Error"/> is the text daprd puts after
/// "failed to invoke, id: X, err: " (ERR_DIRECT_INVOKE); <see cref="HttpStatus"/> is 500, or 403 when access control denied it.
/// </summary>
public sealed class InvocationException(string targetId, string error, int httpStatus = StatusCodes.Status500InternalServerError)
    : Exception($"failed to invoke, id: {targetId}, err: {error}")
{
    public const string ErrorCode = "ERR_DIRECT_INVOKE";

    public string TargetId { get; } = targetId;

    public string Error { get; } = error;

    public int HttpStatus { get; } = httpStatus;

    /// <summary>The target replica's app refused the connection: the call never reached it (see <see cref="Hosting.AppHealth"/>).</summary>
    public bool AppUnreachable { get; init; }
}

/// <summary>
/// Thrown inside the resiliency pipeline when the app answered outside 200–399, as daprd's HTTP invocation turns such an
/// answer into a retriable error; after the last attempt the answer itself goes back to the caller.
/// </summary>
public sealed class AppResponseException(InvocationResponse response)
    : Resiliency.ResiliencyCodeException(response.StatusCode, $"received non-successful status code in response: {response.StatusCode}")
{
    public InvocationResponse Response { get; } = response;
}
