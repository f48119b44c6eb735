using ShopDapr.LoadGen.Shop;
using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.Load;

/// <summary>How a journey waits for its order.</summary>
internal sealed record JourneyOptions(TimeSpan PollInterval, TimeSpan OrderTimeout);

/// <summary>
/// One shopper's visit: browse a page, search, put one or two cheap products in the cart, check out with the approving
/// test card, then poll the order until it is Completed or Cancelled. Every request is timed; the wait from sending the
/// checkout to seeing the order Completed is the saga's latency as the shopper sees it (to within one poll interval).
/// </summary>
internal sealed class ShopperJourney(ShopApi api, LoadMetrics metrics, IReadOnlyList<Product> products, JourneyOptions options, TimeProvider time)
{
    private static readonly string[] SearchTerms = ["headphones", "wireless", "keyboard", "camera", "coffee", "running shoes", "lamp", "backpack"];

    /// <summary>Runs one journey; returns false when it failed (already recorded), so the caller can clean the cart up.</summary>
    public async Task<bool> RunAsync(Shopper shopper, Random random, CancellationToken ct)
    {
        var measured = metrics.WindowIsOpen;
        StepRecorder? Timed(StepRecorder step) => measured ? step : null;
        metrics.JourneyStarted();
        try
        {
            await api.ProductsAsync(Timed(metrics.Browse), shopper.Token, $"page={random.Next(1, 6)}&pageSize=20", ct);
            await api.SearchAsync(Timed(metrics.Search), shopper.Token, SearchTerms[random.Next(SearchTerms.Length)], ct);
            var first = random.Next(products.Count);
            var lines = products.Count > 1 && random.Next(2) == 1 ? new[] { first, (first + 1 + random.Next(products.Count - 1)) % products.Count } : [first];
            foreach (var line in lines)
                await api.AddToCartAsync(Timed(metrics.AddToCart), shopper.Token, products[line].Id, random.Next(1, 3), ct);

            var sent = time.GetTimestamp();
            var orderId = await api.CheckoutAsync(Timed(metrics.Checkout), shopper.Token, Guid.NewGuid().ToString(), ct);
            return await AwaitOrderAsync(shopper, orderId, sent, Timed(metrics.CheckoutToCompleted), Timed(metrics.OrderStatus), ct);
        }
        catch (StepFailedException)
        {
            metrics.JourneyFailed();
            return false;
        }
    }

    private async Task<bool> AwaitOrderAsync(Shopper shopper, Guid orderId, long sent, StepRecorder? saga, StepRecorder? poll, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(options.PollInterval, time, ct);
            var order = await api.OrderAsync(poll, shopper.Token, orderId, ct);
            switch (order.Status)
            {
                case "Completed":
                    var took = time.GetElapsedTime(sent);
                    saga?.Success(took);
                    metrics.OrderCompleted(orderId, order.UpdatedAt, took);
                    return true;
                case "Cancelled":
                    saga?.Failure($"order {orderId} cancelled: {order.CancellationReason}");
                    metrics.OrderCancelled();
                    return true;
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
