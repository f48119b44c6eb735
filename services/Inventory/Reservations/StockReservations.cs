using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Inventory.Actors;
using ShopDapr.Inventory.Domain;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Inventory.Reservations;

/// <summary>
/// An order's reservation across SKUs, all lines or none: each line is reserved on its SKU's actor in SKU order; when
/// one is short, the lines this call holds are released and the answer names the short SKU. Idempotent per order:
/// the actors remember each order's outcome, so a repeat answers as the first call did.
/// </summary>
public sealed partial class StockReservations(
    InventoryActors actors, DaprClient dapr, IOptions<InventoryOptions> options, TimeProvider time, ILogger<StockReservations> logger)
{
    private const string Store = ShopNames.Components.StateStore;
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    /// <param name="lines">Valid lines, one per SKU (see <see cref="NormalizeLines"/>).</param>
    public async Task<ReserveOutcome> ReserveAsync(Guid orderId, IReadOnlyList<StockLine> lines, CancellationToken cancellationToken)
    {
        var recorded = await RecordAsync(orderId, lines, cancellationToken);
        if (!recorded.SameLines(lines))
            return new ReserveOutcome.OtherLines(recorded.Lines);

        var held = new List<(string Sku, ReserveResult Result)>();
        ReserveOutcome.Short? firstReleased = null;
        foreach (var line in lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await actors.For(line.Sku).ReserveAsync(orderId, line.Quantity, TimeSpan.Zero);
            if (result.Succeeded)
            {
                held.Add((line.Sku, result));
                continue;
            }
            var refused = new ReserveOutcome.Short(line.Sku, line.Quantity, result.Level.Available, result.Status == ReserveStatus.Released);
            if (result.Status == ReserveStatus.Short)
                return await RollBackAsync(orderId, held, refused);
            // Released earlier: keep looking for the line that was short, so a repeat names the same SKU.
            firstReleased ??= refused;
        }
        if (firstReleased is not null)
            return await RollBackAsync(orderId, held, firstReleased);
        return new ReserveOutcome.Reserved([.. held.Select(h => h.Result.Level.ToLevel())]);
    }

    /// <summary>Confirms every line of the order; an unknown order is a no-op.</summary>
    public async Task ConfirmAsync(Guid orderId, CancellationToken cancellationToken)
    {
        if (await FindAsync(orderId, cancellationToken) is not { } order)
            return;
        foreach (var line in order.Lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await actors.For(line.Sku).ConfirmAsync(orderId);
        }
    }

    /// <summary>Releases every line of the order; an unknown order is a no-op.</summary>
    public async Task ReleaseAsync(Guid orderId, CancellationToken cancellationToken)
    {
        if (await FindAsync(orderId, cancellationToken) is not { } order)
            return;
        foreach (var line in order.Lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await actors.For(line.Sku).ReleaseAsync(orderId);
        }
    }

    /// <summary>One line per SKU (quantities of repeated SKUs added up), in SKU order.</summary>
    public static IReadOnlyList<StockLine> NormalizeLines(IEnumerable<StockLine> lines) =>
        [.. lines.GroupBy(l => l.Sku, StringComparer.Ordinal)
            .Select(g => new StockLine(g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(l => l.Sku, StringComparer.Ordinal)];

    private async Task<ReserveOutcome.Short> RollBackAsync(Guid orderId, List<(string Sku, ReserveResult Result)> held, ReserveOutcome.Short refused)
    {
        // Released even if the caller has gone: a half-held order would block stock until it expires.
        foreach (var (sku, result) in held)
        {
            if (result.Status == ReserveStatus.Reserved)
                await actors.For(sku).ReleaseAsync(orderId);
        }
        LogRefused(logger, orderId, refused.Sku, refused.Requested, refused.Available);
        return refused;
    }

    private async Task<OrderReservation> RecordAsync(Guid orderId, IReadOnlyList<StockLine> lines, CancellationToken cancellationToken)
    {
        if (await FindAsync(orderId, cancellationToken) is { } existing)
            return existing;
        var order = new OrderReservation(orderId, lines, time.GetUtcNow());
        // Kept as long as the actors remember how the order ended; a later confirm or release then finds nothing (a no-op).
        var ttl = new Dictionary<string, string>
        {
            ["ttlInSeconds"] = ((long)options.Value.SettlementRetention.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (await dapr.TrySaveStateAsync(Store, OrderReservation.Key(orderId), order, "", FirstWrite, ttl, cancellationToken))
            return order;
        // A concurrent first call for the same order won; its lines are the order's.
        return await FindAsync(orderId, cancellationToken)
            ?? throw new InvalidOperationException($"The reservation record of order {orderId} was neither written nor found.");
    }

    private async Task<OrderReservation?> FindAsync(Guid orderId, CancellationToken cancellationToken) =>
        await dapr.GetStateAsync<OrderReservation?>(Store, OrderReservation.Key(orderId), ConsistencyMode.Strong, cancellationToken: cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} not reserved: {Sku} short ({Requested} asked, {Available} available)")]
    private static partial void LogRefused(ILogger logger, Guid orderId, string sku, int requested, int available);
}
