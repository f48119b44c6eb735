using System.Text.Json.Serialization;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>An order in an index: its id and when it was placed (to list several indexes' orders in one order).</summary>
public sealed record IndexedOrder(Guid Id, DateTimeOffset PlacedAt);

/// <summary>
/// One page of an order index, oldest first. The index's own key holds its head page: the newest orders (at most
/// <see cref="OrderIndex.PageSize"/>) and how many pages, holding how many orders, were frozen before it, each under
/// its own key by number. <see cref="Ids"/> is the layout before pages (a customer's list was ids only): read, never written.
/// </summary>
public sealed record OrderIndexPage(
    IReadOnlyList<IndexedOrder>? Orders, int FrozenPages = 0, long FrozenCount = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Guid>? Ids = null)
{
    /// <summary>The page's orders, oldest first (an id-only list from before pages counts as placed at the start of time).</summary>
    [JsonIgnore]
    public IReadOnlyList<IndexedOrder> Entries => Orders ?? [.. (Ids ?? []).Select(id => new IndexedOrder(id, DateTimeOffset.MinValue))];

    /// <summary>Every order in the index (the head's entries and those of the frozen pages).</summary>
    [JsonIgnore]
    public long Total => FrozenCount + Entries.Count;
}

/// <summary>
/// Append-only, paged order indexes (the admin's buckets of every order, each customer's orders): a checkout rewrites
/// only the head page, at most <see cref="PageSize"/> orders however many were placed before; a full head is frozen
/// under <c>{key}-page-{n}</c> (written once) and a new head starts. Lists read newest first, page by page, only as
/// deep as asked.
/// </summary>
public static class OrderIndex
{
    public const int PageSize = 100;

    public static string PageKey(string headKey, int page) => $"{headKey}-page-{page.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The head with the order appended and, when the head was full, the page its entries were frozen in (written once,
    /// with the new head). Null when the head holds the order already (nothing to write).
    /// </summary>
    public static (OrderIndexPage Head, (string Key, OrderIndexPage Page)? Frozen)? Append(string headKey, OrderIndexPage? head, Guid orderId, DateTimeOffset placedAt)
    {
        var entries = head?.Entries ?? [];
        if (entries.Any(o => o.Id == orderId))
            return null;
        var added = new IndexedOrder(orderId, placedAt);
        if (head is null || entries.Count < PageSize)
            return (new OrderIndexPage([.. entries, added], head?.FrozenPages ?? 0, head?.FrozenCount ?? 0), null);
        var frozen = (PageKey(headKey, head.FrozenPages), new OrderIndexPage(entries));
        return (new OrderIndexPage([added], head.FrozenPages + 1, head.FrozenCount + entries.Count), frozen);
    }

    /// <summary>
    /// Reads one index newest first: the head's orders, then the frozen pages from the newest, each read when reached.
    /// Orders within a page come newest placed first (in the order appended when placed at the same time).
    /// </summary>
    internal sealed class Cursor(string headKey, OrderIndexPage? head, Func<string, Task<OrderIndexPage?>> readPage)
    {
        private readonly Queue<IndexedOrder> _buffer = new(NewestFirst(head));
        private int _nextPage = (head?.FrozenPages ?? 0) - 1;

        public long Total { get; } = head?.Total ?? 0;

        /// <summary>The next order, reading the next frozen page when the one in hand is used up; null at the end.</summary>
        public async Task<IndexedOrder?> PeekAsync()
        {
            while (_buffer.Count == 0 && _nextPage >= 0)
            {
                foreach (var order in NewestFirst(await readPage(PageKey(headKey, _nextPage--))))
                    _buffer.Enqueue(order);
            }
            return _buffer.Count > 0 ? _buffer.Peek() : null;
        }

        public void Advance() => _buffer.Dequeue();

        private static IEnumerable<IndexedOrder> NewestFirst(OrderIndexPage? page) =>
            (page?.Entries ?? []).Reverse().OrderByDescending(o => o.PlacedAt); // stable: the later appended first on a tie
    }

    /// <summary>
    /// The orders at positions [skip, skip + take) of the indexes merged newest first, and how many they hold in all:
    /// reads only the pages those positions reach.
    /// </summary>
    internal static async Task<(IReadOnlyList<Guid> Ids, long Total)> ReadNewestFirstAsync(IReadOnlyList<Cursor> cursors, int skip, int take)
    {
        var ids = new List<Guid>(take);
        for (var position = 0; ids.Count < take; position++)
        {
            Cursor? newest = null;
            IndexedOrder? best = null;
            foreach (var cursor in cursors)
            {
                if (await cursor.PeekAsync() is { } next && (best is null || next.PlacedAt > best.PlacedAt))
                    (newest, best) = (cursor, next);
            }
            if (newest is null)
                break;
            newest.Advance();
            if (position >= skip)
                ids.Add(best!.Id);
        }
        return (ids, cursors.Sum(c => c.Total));
    }
}
