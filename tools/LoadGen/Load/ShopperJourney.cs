using ShopDapr.LoadGen.Shop;
using ShopDapr.LoadGen.Stats;
using ShopDapr.LoadGen.Tastes;

namespace ShopDapr.LoadGen.Load;

/// <summary>How a journey waits for its order.</summary>
internal sealed record JourneyOptions(TimeSpan PollInterval, TimeSpan OrderTimeout);

/// <summary>
/// One shopper's visit: browse a page, search, put one or two cheap products in the cart, check out with the approving
/// test card, then poll the order until it is Completed or Cancelled. Every request is timed; the wait from sending the
/// checkout to seeing the order Completed is the saga's latency as the shopper sees it (to within one poll interval).
/// With tastes, a shopper browses a category, opens two product pages and fills its cart mostly within its taste
/// (<see cref="Assortment"/>) and ships home; a fraudster follows <see cref="FraudPattern"/>. An order held for review is
/// decided as an admin who knows the shopper would: a fraudster's rejected, a legitimate one approved; its wait for
/// the admin is not the saga's latency, so it is not recorded as such.
/// </summary>
internal sealed class ShopperJourney(ShopApi api, LoadMetrics metrics, IReadOnlyList<Product> products, JourneyOptions options, TimeProvider time, TasteRun? tastes = null)
{
    private const int ViewsPerJourney = 2;
    private static readonly string[] SearchTerms = ["headphones", "wireless", "keyboard", "camera", "coffee", "running shoes", "lamp", "backpack"];

    /// <summary>Runs one journey; returns false when it failed (already recorded), so the caller can clean the cart up.</summary>
    public async Task<bool> RunAsync(Shopper shopper, Random random, CancellationToken ct)
    {
        var measured = metrics.WindowIsOpen;
        StepRecorder? Timed(StepRecorder step) => measured ? step : null;
        metrics.JourneyStarted();
        try
        {
            if (tastes is not null && shopper.Taste is { } taste)
                return taste.Fraudster
                    ? await DefraudAsync(shopper, tastes, random, Timed, ct)
                    : await ShopToTasteAsync(shopper, taste, tastes, random, Timed, ct);
            await api.ProductsAsync(Timed(metrics.Browse), shopper.Token, $"page={random.Next(1, 6)}&pageSize=20", ct);
            await api.SearchAsync(Timed(metrics.Search), shopper.Token, SearchTerms[random.Next(SearchTerms.Length)], ct);
            var first = random.Next(products.Count);
            var lines = products.Count > 1 && random.Next(2) == 1 ? new[] { first, (first + 1 + random.Next(products.Count - 1)) % products.Count } : [first];
            foreach (var line in lines)
                await api.AddToCartAsync(Timed(metrics.AddToCart), shopper.Token, products[line].Id, random.Next(1, 3), ct);

            var sent = time.GetTimestamp();
            var orderId = await api.CheckoutAsync(Timed(metrics.Checkout), shopper.Token, Guid.NewGuid().ToString(), ct);
            return await AwaitOrderAsync(shopper, orderId, sent, Timed(metrics.CheckoutToCompleted), Timed(metrics.OrderStatus), null, ct);
        }
        catch (StepFailedException)
        {
            metrics.JourneyFailed();
            return false;
        }
    }

    private async Task<bool> ShopToTasteAsync(Shopper shopper, ShopperTaste taste, TasteRun run, Random random, Func<StepRecorder, StepRecorder?> timed, CancellationToken ct)
    {
        var assortment = run.Assortment;
        var category = assortment.PickCategory(taste, random);
        await api.ProductsAsync(timed(metrics.Browse), shopper.Token, $"category={Uri.EscapeDataString(category)}&page=1&pageSize=20", ct);
        await api.SearchAsync(timed(metrics.Search), shopper.Token, category, ct);
        var viewed = Enumerable.Range(0, ViewsPerJourney).Select(_ => assortment.Pick(taste, random)).ToList();
        foreach (var product in viewed)
            await api.ViewProductAsync(timed(metrics.Browse), shopper.Token, product.Id, ct);

        if (assortment.Large.Count > 0 && random.NextDouble() < FraudPattern.LegitimateLargeShare)
            await api.AddToCartAsync(timed(metrics.AddToCart), shopper.Token, assortment.Large[random.Next(assortment.Large.Count)].Id, 2, ct);
        else
        {
            var lines = random.Next(2) == 1 ? [viewed[0], assortment.Pick(taste, random)] : new[] { viewed[0] };
            foreach (var product in lines.DistinctBy(p => p.Id))
                await api.AddToCartAsync(timed(metrics.AddToCart), shopper.Token, product.Id, random.Next(1, 3), ct);
        }
        var sent = time.GetTimestamp();
        var orderId = await api.CheckoutAsync(timed(metrics.Checkout), shopper.Token, Guid.NewGuid().ToString(),
            new PaymentPlan(FraudPattern.ApprovingCard, taste.HomeCountry), ct);
        return await AwaitOrderAsync(shopper, orderId, sent, timed(metrics.CheckoutToCompleted), timed(metrics.OrderStatus), run, ct, approve: true);
    }

    /// <summary>A fraudster's journey: one product page, the declined tries (awaited, not counted as orders), then the large order.</summary>
    private async Task<bool> DefraudAsync(Shopper shopper, TasteRun run, Random random, Func<StepRecorder, StepRecorder?> timed, CancellationToken ct)
    {
        var assortment = run.Assortment;
        var bait = assortment.Products[random.Next(assortment.Products.Count)];
        await api.ViewProductAsync(timed(metrics.Browse), shopper.Token, bait.Id, ct);
        var orders = FraudPattern.Journey(random);
        foreach (var attempt in orders.SkipLast(1))
        {
            await api.AddToCartAsync(timed(metrics.AddToCart), shopper.Token, bait.Id, 1, ct);
            var tried = await api.CheckoutAsync(timed(metrics.Checkout), shopper.Token, Guid.NewGuid().ToString(), attempt, ct);
            await AwaitOrderAsync(shopper, tried, time.GetTimestamp(), null, timed(metrics.OrderStatus), run, ct, approve: false, counted: false);
        }
        var large = assortment.Large.Count > 0 ? assortment.Large[random.Next(assortment.Large.Count)] : bait;
        await api.AddToCartAsync(timed(metrics.AddToCart), shopper.Token, large.Id, assortment.Large.Count > 0 ? 2 : 20, ct);
        var sent = time.GetTimestamp();
        var orderId = await api.CheckoutAsync(timed(metrics.Checkout), shopper.Token, Guid.NewGuid().ToString(), orders[^1], ct);
        return await AwaitOrderAsync(shopper, orderId, sent, null, timed(metrics.OrderStatus), run, ct, approve: false);
    }

    /// <summary>
    /// Polls the order until it ends (or the order timeout passes). A held order is decided by <paramref name="admin"/> as
    /// <paramref name="approve"/> says, and then no longer timed as the saga; without an admin it is left to wait.
    /// <paramref name="counted"/> false: the order is a fraudster's try, not one of the run's orders.
    /// </summary>
    private async Task<bool> AwaitOrderAsync(Shopper shopper, Guid orderId, long sent, StepRecorder? saga, StepRecorder? poll, TasteRun? admin,
        CancellationToken ct, bool approve = true, bool counted = true)
    {
        var decided = false;
        while (true)
        {
            await Task.Delay(options.PollInterval, time, ct);
            var order = await api.OrderAsync(poll, shopper.Token, orderId, ct);
            switch (order.Status)
            {
                case "Completed":
                    var took = time.GetElapsedTime(sent);
                    if (!counted)
                        return true;
                    if (decided)
                        metrics.OrderCompleted();
                    else
                    {
                        saga?.Success(took);
                        metrics.OrderCompleted(orderId, order.UpdatedAt, took);
                    }
                    return true;
                case "Cancelled":
                    if (!counted)
                        return true;
                    if (!decided)
                        saga?.Failure($"order {orderId} cancelled: {order.CancellationReason}");
                    metrics.OrderCancelled();
                    return true;
                case "AwaitingApproval" when admin is not null && !decided:
                    await api.DecideAsync(admin.AdminToken, orderId, approve, approve ? "known customer (load generator)" : "known fraudster (load generator)", ct);
                    decided = true;
                    break;
            }
            if (time.GetElapsedTime(sent) > options.OrderTimeout)
            {
                saga?.Failure($"order {orderId} still {order.Status} after {options.OrderTimeout.TotalSeconds:0} s");
                metrics.JourneyFailed();
                return true; // the cart was emptied at checkout: nothing to clean up
            }
        }
    }
}
