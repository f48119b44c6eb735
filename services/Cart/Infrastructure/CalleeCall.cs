using System.Net.Http.Json;
using System.Text.Json;

namespace ShopDapr.Cart.Infrastructure;

/// <summary>
/// What cart's clients of other apps (catalog, payment's vault, ordering) share: a call that fails in transport, or an
/// answer whose body cannot be read, is the callee being unavailable. Each client names its own exception, which
/// <see cref="Api.CartExceptionHandler"/> turns into a 503, never a 500.
/// </summary>
internal static class CalleeCall
{
    public static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send, string callee, Func<string, Exception?, Exception> unavailable)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw unavailable($"{callee} could not be reached: {e.Message}", e);
        }
    }

    /// <summary>The answer's JSON body; an empty or unreadable one throws <paramref name="unavailable"/>.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, string callee, Func<string, Exception?, Exception> unavailable, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken) ?? throw unavailable($"{callee} answered an empty body.", null);
        }
        catch (JsonException e)
        {
            throw unavailable($"{callee} answered a body that cannot be read.", e);
        }
    }
}
