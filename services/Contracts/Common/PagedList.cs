namespace ShopDapr.Contracts.Common;

/// <summary>Every list the public API returns: <c>{ items, total, page, pageSize }</c>.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);
