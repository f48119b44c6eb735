using System.Globalization;

namespace ShopDapr.Gateway.Problems;

/// <summary>The answers the gateway writes itself (never an app's): a ProblemDetails body with <c>Retry-After</c>.</summary>
internal static class GatewayProblems
{
    /// <summary>Whole seconds, at least 1, as <c>Retry-After</c> carries them.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public static async Task WriteAsync(HttpContext http, int status, string title, string detail, TimeSpan retryAfter)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.RetryAfter = Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
