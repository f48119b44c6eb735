using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Gateway.Problems;

/// <summary>The answers the gateway writes itself (never an app's): a ProblemDetails body with <c>Retry-After</c>.</summary>
internal static class GatewayProblems
{
    public static async Task WriteAsync(HttpContext http, int status, string title, string detail, TimeSpan retryAfter)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.RetryAfter = RetryAfter.Header(retryAfter);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
