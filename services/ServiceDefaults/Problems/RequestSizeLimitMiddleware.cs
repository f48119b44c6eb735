using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ShopDapr.ServiceDefaults.Problems;

/// <summary>Caps request bodies: a declared oversize body is a 413 at once; an undeclared one fails when read past the cap.</summary>
internal sealed class RequestSizeLimitMiddleware(RequestDelegate next, IOptions<ServiceDefaultsOptions> options)
{
    private readonly long _limit = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > _limit)
        {
            await Results.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The request body is too large",
                detail: $"Request bodies are limited to {_limit} bytes.").ExecuteAsync(context);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = _limit;
        await next(context);
    }
}
