using Microsoft.AspNetCore.Http.HttpResults;

namespace ShopDapr.Ordering.Api;

/// <summary>The <c>page</c> / <c>pageSize</c> query of every list: page from 1, size 1–100.</summary>
public static class Paging
{
    public const int MaxPageSize = 100;

    public static ValidationProblem? Check(int page, int pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page < 1)
            errors["page"] = ["page starts at 1."];
        if (pageSize is < 1 or > MaxPageSize)
            errors["pageSize"] = [$"pageSize is between 1 and {MaxPageSize}."];
        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors, title: "The request is malformed");
    }

    public static IEnumerable<T> Page<T>(IEnumerable<T> newestLast, int page, int pageSize) =>
        newestLast.Reverse().Skip((page - 1) * pageSize).Take(pageSize);
}
