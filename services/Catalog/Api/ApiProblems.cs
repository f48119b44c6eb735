using Microsoft.AspNetCore.Http.HttpResults;

namespace ShopDapr.Catalog.Api;

/// <summary>The catalog's error answers, as RFC 7807 bodies.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult RuleBroken(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary())
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The product breaks a catalog rule",
        });

    public static ProblemHttpResult SkuTaken(string sku) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "SKU already in use",
            detail: $"Another product already has the SKU '{sku}'.");

    public static ProblemHttpResult Stale() =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The product has changed",
            detail: "The If-Match ETag is not the product's current version. GET the product again and retry with its ETag.");

    public static ProblemHttpResult IfMatchRequired() =>
        TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
            detail: "Send the ETag of the version you edit in an If-Match header (GET the product to read it).");

    public static ProblemHttpResult Loading() =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The catalog is loading",
            detail: "The catalog is still loading its products from the state store; retry shortly.");
}
