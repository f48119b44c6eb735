using Dapr;
using ShopDapr.Analytics.Domain;
using ShopDapr.Analytics.Domain.Learning;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Analytics;

/// <summary>
/// Applies one delivered event to analytics' state: the customer's profile, the trending buckets of the product's
/// category and of the whole shop (both windows), the product's facts, a SKU's stock, the co-occurrences of a basket.
/// All of it in one unit of work per event (<see cref="AnalyticsStore.ApplyOnceAsync"/>), so a redelivery changes nothing.
/// </summary>
public sealed partial class BehaviorIngest(AnalyticsStore store, TimeProvider time, ILogger<BehaviorIngest> logger)
{
    /// <summary>How many of the customer's latest views a training record keeps as the order's context.</summary>
    public const int TrainingSeeds = 5;

    public async Task<SubscriptionReply> HandleAsync(object integrationEvent, string eventId, CancellationToken cancellationToken)
    {
        if (EventEffects.Of(integrationEvent) is not { } effects)
        {
            LogMalformed(logger, integrationEvent.GetType().Name, eventId);
            return SubscriptionReply.Drop;
        }
        try
        {
            await ApplyAsync(effects, eventId, cancellationToken);
            return SubscriptionReply.Success;
        }
        catch (Exception e) when (e is StateConflictException or DaprException)
        {
            LogRetry(logger, integrationEvent.GetType().Name, eventId, e);
            return SubscriptionReply.Retry;
        }
    }

    private async Task<Applied> ApplyAsync(EventEffects effects, string eventId, CancellationToken cancellationToken)
    {
        var products = effects.Products.ToList();
        // The categories the event does not name, as analytics knows them (read before the unit: they pick its keys).
        var known = await store.GetManyAsync<ProductFacts>([.. products.Select(StateKeys.Product)], cancellationToken);
        var now = time.GetUtcNow();
        var signals = effects.Signals.Select(s => s with
        {
            Category = s.Category
                ?? effects.Facts.FirstOrDefault(f => f.ProductId == s.ProductId)?.Category
                ?? known.GetValueOrDefault(StateKeys.Product(s.ProductId))?.Category,
        }).ToList();

        var keys = new List<string>(products.Select(StateKeys.Product));
        var trends = new List<(string Key, Guid ProductId, double Weight, TimeSpan Keep)>();
        foreach (var signal in signals)
        {
            if (signal.CustomerId is { } customer)
                keys.Add(StateKeys.Profile(customer));
            if (signal.Weight <= 0)
                continue;
            foreach (var window in TrendWindow.All)
            {
                if (signal.At <= now - window.Length || signal.At > now + window.BucketSize)
                    continue; // outside the window: it trends nowhere
                var bucket = window.BucketOf(signal.At);
                trends.Add((window.Key(TrendWindow.AnyCategory, bucket), signal.ProductId, signal.Weight, window.Keep));
                if (signal.Category is { } category)
                    trends.Add((window.Key(category, bucket), signal.ProductId, signal.Weight, window.Keep));
            }
        }
        keys.AddRange(trends.Select(t => t.Key));
        if (effects.Stock is { } stock)
            keys.Add(StateKeys.Stock(stock.Sku));
        var basket = effects.Basket ?? [];
        if (basket.Count > 1)
            keys.AddRange(basket.Select(StateKeys.CoOccurrence));
        // An order also goes into the training log: the page the head points at (read now, checked again in the unit).
        var customerOfBasket = basket.Count > 0 ? signals.FirstOrDefault(s => s.CustomerId is not null)?.CustomerId : null;
        var head = customerOfBasket is null ? null : await store.GetAsync<TrainingHead>(StateKeys.TrainingHead, cancellationToken) ?? new TrainingHead(0);
        if (head is not null)
        {
            keys.AddRange([StateKeys.TrainingHead, StateKeys.TrainingPage(head.Slot)]);
            // The record names the categories of what the customer viewed before: their facts are read in the unit too.
            var before = await store.GetAsync<CustomerProfile>(StateKeys.Profile(customerOfBasket!), cancellationToken);
            keys.AddRange((before?.RecentViews ?? []).Take(TrainingSeeds).Select(v => StateKeys.Product(v.ProductId)));
        }

        return await store.ApplyOnceAsync(eventId, keys, docs =>
        {
            if (head is not null)
                LogForTraining(docs, head, customerOfBasket!, basket, effects, signals);
            foreach (var fact in effects.Facts)
            {
                var key = StateKeys.Product(fact.ProductId);
                var facts = (docs.Get<ProductFacts>(key) ?? new ProductFacts(fact.ProductId, null, null, null)).Merge(fact.Sku, fact.Category, fact.Price);
                docs.Set(key, fact.Deleted ? facts with { Deleted = true } : facts);
            }
            foreach (var signal in signals)
            {
                if (signal.CustomerId is { } customer)
                {
                    var key = StateKeys.Profile(customer);
                    docs.Set(key, (docs.Get<CustomerProfile>(key) ?? CustomerProfile.Empty(customer)).Apply(signal));
                }
            }
            foreach (var (key, productId, weight, keep) in trends)
                docs.Set(key, (docs.Get<TrendBucket>(key) ?? TrendBucket.Empty).Add(productId, weight), keep);
            if (effects.Stock is { } stock)
            {
                var key = StateKeys.Stock(stock.Sku);
                if (docs.Get<StockFact>(key) is not { } current || current.At <= stock.At)
                    docs.Set(key, stock);
            }
            if (basket.Count > 1)
            {
                foreach (var product in basket)
                {
                    var key = StateKeys.CoOccurrence(product);
                    docs.Set(key, (docs.Get<CoOccurrence>(key) ?? CoOccurrence.Empty).Add(basket.Where(p => p != product)));
                }
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Appends the order to the training log: what the customer had viewed before it (the profile as it was), the basket,
    /// and the products' categories and price bands. When the head moved on since it was read, the page of this unit is
    /// no longer the one being filled and the record is left out (a lost training example, never a wrong page).
    /// </summary>
    private static void LogForTraining(StateDocs docs, TrainingHead planned, string customer, IReadOnlyList<Guid> basket, EventEffects effects, IReadOnlyList<Signal> signals)
    {
        var head = docs.Get<TrainingHead>(StateKeys.TrainingHead) ?? new TrainingHead(0);
        if (head.Page != planned.Page)
            return;
        var profile = docs.Get<CustomerProfile>(StateKeys.Profile(customer)) ?? CustomerProfile.Empty(customer);
        var seeds = profile.RecentViews.Take(TrainingSeeds).Select(v => v.ProductId).ToList();
        var facts = effects.Facts.ToDictionary(f => f.ProductId);
        var categories = new Dictionary<Guid, string>();
        var bands = new Dictionary<Guid, int>();
        foreach (var id in seeds.Concat(basket).Distinct())
        {
            if (docs.Get<ProductFacts>(StateKeys.Product(id)) is not { } known)
                continue; // a product analytics has no facts for (or one viewed after the unit was planned)
            var merged = facts.TryGetValue(id, out var f) ? known.Merge(f.Sku, f.Category, f.Price) : known;
            if ((signals.FirstOrDefault(s => s.ProductId == id)?.Category ?? merged.Category) is { } category)
                categories[id] = category;
            bands[id] = merged.PriceBand;
        }
        var page = docs.Get<TrainingPage>(StateKeys.TrainingPage(head.Slot)) ?? TrainingPage.Empty;
        if (page.Records.Count >= TrainingPage.Size) // a page left over from the ring's previous turn: start it afresh
            page = TrainingPage.Empty;
        var record = new TrainingRecord(seeds, basket, categories, bands, signals.Min(s => s.At));
        page = new TrainingPage([.. page.Records, record]);
        docs.Set(StateKeys.TrainingPage(head.Slot), page);
        if (page.Records.Count >= TrainingPage.Size)
            docs.Set(StateKeys.TrainingHead, new TrainingHead(head.Page + 1));
        else if (docs.Get<TrainingHead>(StateKeys.TrainingHead) is null)
            docs.Set(StateKeys.TrainingHead, head);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a malformed {EventType} event {EventId} to the dead-letter topic")]
    private static partial void LogMalformed(ILogger logger, string eventType, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply the {EventType} event {EventId} now; asking for redelivery")]
    private static partial void LogRetry(ILogger logger, string eventType, string eventId, Exception exception);
}
