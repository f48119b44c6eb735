using System.Text.Json.Serialization;

namespace ShopDapr.Web.Shop;

/// <summary>An RFC 9457 problem as the shop's API answers it: what a page shows in words when a call fails.</summary>
public sealed record ApiProblem(
    string? Title,
    string? Detail,
    int? Status,
    [property: JsonPropertyName("errors")] IReadOnlyDictionary<string, string[]>? Errors)
{
    /// <summary>The title, or a sentence for the status when the answer carried no problem body.</summary>
    public string Headline => string.IsNullOrWhiteSpace(Title) ? $"The shop answered {Status}." : Title;

    /// <summary>Every validation message, field by field.</summary>
    public IEnumerable<string> Messages => Errors?.SelectMany(e => e.Value) ?? [];

    public static ApiProblem Unavailable(string detail) => new("The shop is unavailable", detail, 503, null);
}

/// <summary>A call's outcome: the value, or the problem the API answered.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;

    public static implicit operator ApiResult<T>(ApiProblem problem) => new(default, problem);
}
