using System.Net.Http.Headers;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>One call to an actor, as the sidecar forwards it to the hosting app: method path, body and headers.</summary>
public sealed record ActorCall(string Method, byte[] Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string[]>> Headers)
{
    public const string ReentrancyHeader = "Dapr-Reentrancy-Id";

    /// <summary>Headers that describe one hop, not the call; never forwarded (the app channel adds its own dapr-api-token).</summary>
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "Expect", "TE",
        "Proxy-Connection", "dapr-api-token",
    };

    public string? ReentrancyId =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, ReentrancyHeader, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    public ActorCall WithReentrancyId(string id) =>
        this with { Headers = [.. Headers.Where(h => !string.Equals(h.Key, ReentrancyHeader, StringComparison.OrdinalIgnoreCase)), new(ReentrancyHeader, [id])] };

    /// <summary>A reminder or timer callback: a JSON body, no caller headers.</summary>
    public static ActorCall Callback(string method, byte[] json) => new(method, json, "application/json", []);

    public static async Task<ActorCall> FromRequestAsync(HttpRequest request, string method, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var headers = request.Headers
            .Where(h => !HopHeaders.Contains(h.Key))
            .Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.Where(v => v is not null).Select(v => v!).ToArray()))
            .ToList();
        return new ActorCall(method, buffer.ToArray(), request.ContentType, headers);
    }

    internal static bool IsForwardable(string header) => !HopHeaders.Contains(header);
}

/// <summary>What the hosting app answered: status, headers (including <c>X-DaprErrorResponseHeader</c>) and body.</summary>
public sealed record ActorCallResult(int Status, string? ContentType, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body) : IResult
{
    public const string ErrorResponseHeader = "X-DaprErrorResponseHeader";
    public const string ReminderCancelHeader = "X-DaprReminderCancel";

    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Keep-Alive", "Date", "Server",
    };

    public bool Has(string header) => Headers.Any(h => string.Equals(h.Key, header, StringComparison.OrdinalIgnoreCase));

    public static async Task<ActorCallResult> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = Forwardable(response.Headers).Concat(Forwardable(response.Content.Headers)).ToList();
        return new ActorCallResult((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), headers, body);
    }

    private static IEnumerable<KeyValuePair<string, string[]>> Forwardable(HttpHeaders headers) =>
        headers.Where(h => !HopHeaders.Contains(h.Key)).Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.ToArray()));

    /// <summary>Writes the answer to the caller as daprd does: the app's status, headers and body.</summary>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.StatusCode = Status;
        foreach (var (name, values) in Headers)
            response.Headers.Append(name, values);
        if (ContentType is not null)
            response.ContentType = ContentType;
        if (Body.Length > 0)
            await response.Body.WriteAsync(Body, cancellationToken);
    }
}
