using Microsoft.AspNetCore.Http.HttpResults;

namespace ShopDapr.Inventory.Api;

/// <summary>The problems inventory answers: 400 malformed, 422 a rule broken, 409 a conflict with the stock.</summary>
internal static class Problems
{
    public static ValidationProblem Malformed(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is malformed");

    public static ProblemHttpResult RuleBroken(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request breaks a stock rule",
        });

    public static ProblemHttpResult Conflict(string title, string detail, string? sku, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?>(extra ?? new Dictionary<string, object?>());
        if (sku is not null)
            extensions["sku"] = sku;
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, extensions: extensions);
    }
}
