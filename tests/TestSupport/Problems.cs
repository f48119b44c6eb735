using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ShopDapr.Testing;

/// <summary>Reads an RFC 7807 body; throws when the response is not one (so a test cannot pass on an empty 4xx).</summary>
public static class Problems
{
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType != "application/problem+json")
            throw new InvalidOperationException($"Expected application/problem+json but got '{mediaType}' ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (body.GetProperty("status").GetInt32() != (int)response.StatusCode)
            throw new InvalidOperationException("The problem's status differs from the response's.");
        return body;
    }

    public static bool IsClientError(this HttpStatusCode status) => (int)status is >= 400 and < 500;
}
