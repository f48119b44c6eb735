using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace ShopDapr.ServiceDefaults.Problems;

/// <summary>
/// Every API reads JSON as UTF-8 (RFC 8259 §8.1). A body that declares another charset is a 415 before any endpoint
/// reads it: ASP.NET Core's JSON reader throws on a charset it does not know ("nonsense"), which would surface as a 500,
/// and transcodes the ones it does (UTF-16), which the client did not mean for a UTF-8 body either.
/// </summary>
internal sealed class JsonCharsetMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentType is { } header && DeclaresAnotherCharset(header))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported charset",
                detail: "Request bodies are JSON in UTF-8: send Content-Type application/json without a charset or with charset=utf-8.")
                .ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool DeclaresAnotherCharset(string header)
    {
        if (!MediaTypeHeaderValue.TryParse(header, out var mediaType))
            return false; // not a media type at all: the endpoint's own content-type check answers 415
        return mediaType.CharSet is { } charset
               && !string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase);
    }
}
