using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Common;

namespace ShopDapr.Analytics.Api;

/// <summary>The paging rules of analytics' lists: <c>page</c> from 1, <c>pageSize</c> 1–100.</summary>
public static class Paging
{
    public const int MaxPageSize = 100;

    public static Dictionary<string, string[]> Check(int page, int pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page < 1)
            errors["page"] = ["page starts at 1."];
        if (pageSize is < 1 or > MaxPageSize)
            errors["pageSize"] = [$"pageSize is between 1 and {MaxPageSize}."];
        return errors;
    }

    public static ValidationProblem Problem(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors, title: "The request is malformed");

    public static PagedList<T> Page<T>(IReadOnlyList<T> all, int page, int pageSize) =>
        new([.. all.Skip((page - 1) * pageSize).Take(pageSize)], all.Count, page, pageSize);
}
