using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ShopDapr.Ordering.Workflows.Clients;

/// <summary>
/// A fault worth retrying: the service could not be reached, timed out, or answered 5xx / 408 / 429.
/// Activities let it escape so the workflow's retry policy repeats the call.
/// </summary>
public sealed class TransientServiceException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How the saga's clients send a call and read an answer.</summary>
internal static class ServiceCall
{
    /// <summary>Web defaults; enums read from names or numbers, whichever the other service writes.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, string service, Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        HttpResponseMessage response;
        try
        {
            response = await send(http);
        }
        catch (HttpRequestException e)
        {
            throw new TransientServiceException($"{service} could not be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new TransientServiceException($"{service} did not answer in time.", e);
        }
        if (IsTransient(response.StatusCode))
        {
            var detail = await DetailAsync(response);
            response.Dispose();
            throw new TransientServiceException($"{service} answered {(int)response.StatusCode}: {detail}");
        }
        return response;
    }

    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>The ProblemDetails' detail (or title), else the status code.</summary>
    public static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var fallback = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            var body = await response.Content.ReadAsStringAsync();
            if (body.Length == 0)
                return fallback;
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind != JsonValueKind.Object)
                return fallback;
            foreach (var name in (string[])["detail", "title"])
                if (problem.RootElement.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String)
                    return text.GetString()!;
            return fallback;
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, string service)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json)
                ?? throw new InvalidOperationException($"{service} answered an empty body.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{service} answered a body that cannot be read.", e);
        }
    }

    /// <summary>An answer the contract does not allow: a bug on one side, thrown (and so retried, then compensated).</summary>
    public static async Task<Exception> UnexpectedAsync(HttpResponseMessage response, string service, string what) =>
        new InvalidOperationException($"{service} answered {(int)response.StatusCode} to {what}: {await DetailAsync(response)}");
}
