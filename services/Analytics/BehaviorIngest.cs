using ShopDapr.Analytics.Domain;
using ShopDapr.Analytics.Domain.Learning;
using ShopDapr.Analytics.Infrastructure;

namespace ShopDapr.Analytics;

/// <summary>
/// Plans what each delivered event changes in analytics' state: the customer's profile, the trending buckets of the
/// product's category and of the whole shop (both windows), the product's facts, a SKU's stock, the co-occurrences of a
/// basket. A batch is planned from one read (<see cref="PlanAsync"/>) and applied as one unit of work
/// (<see cref="AnalyticsStore.ApplyEachOnceAsync"/>, through <see cref="BatchIngest"/>), each event once, so a redelivery
/// changes nothing.
/// </summary>
public sealed partial class BehaviorIngest(AnalyticsStore store, TimeProvider time, ILogger<BehaviorIngest> logger)
{
    /// <summary>How many of the customer's latest views a training record keeps as the order's context.</summary>
    public const int TrainingSeeds = 5;

    /// <summary>
    /// The change of each event of <paramref name="batch"/>, in order; <see cref="EventPlan.Drop"/> for one that is
    /// malformed for analytics (it goes to the dead-letter topic). What the events do not name (a product's category, the training log's head, the
    /// profile an order is logged with) is read for all of them at once; an event also sees the categories the events
    /// before it in the batch told, as it would have one after the other.
    /// </summary>
    public async Task<IReadOnlyList<EventPlan>> PlanAsync(IReadOnlyList<(object Event, string EventId)> batch, CancellationToken cancellationToken)
    {
        var effects = batch.Select(e => EventEffects.Of(e.Event)).ToList();
        for (var i = 0; i < batch.Count; i++)
        {
            if (effects[i] is null)
                LogMalformed(logger, batch[i].Event.GetType().Name, batch[i].EventId);
        }
        var valid = effects.OfType<EventEffects>().ToList();
        var ordering = valid.Select(CustomerOfBasket).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var planning = valid.SelectMany(e => e.Products).Select(StateKeys.Product).Concat(ordering.Select(StateKeys.Profile)).ToList();
        if (ordering.Count > 0)
            planning.Add(StateKeys.TrainingHead);
        var known = await store.PeekAsync(planning, cancellationToken);
        // An order also goes into the training log: the page the head points at, or the next one when this batch fills it.
        var head = known.Get<TrainingHead>(StateKeys.TrainingHead) ?? new TrainingHead(0);
        var categories = new Dictionary<Guid, string?>();
        var now = time.GetUtcNow();
        return [.. effects.Select((effect, i) => effect is null ? EventPlan.Drop : EventPlan.Of(Plan(effect, batch[i].EventId, known, categories, head, now)))];
    }

    private static string? CustomerOfBasket(EventEffects effects) =>
        effects.Basket is { Count: > 0 } ? effects.Signals.FirstOrDefault(s => s.CustomerId is not null)?.CustomerId : null;

    /// <summary>
    /// One event's keys and change. <paramref name="categories"/> holds the categories the batch's earlier events told
    /// (this event's are added): a signal without a category takes its event's, then the batch's, then the stored one.
    /// </summary>
    private static EventChange Plan(EventEffects effects, string eventId, StateDocs known, Dictionary<Guid, string?> categories, TrainingHead head, DateTimeOffset now)
    {
        string? CategoryOf(Guid product) =>
            categories.TryGetValue(product, out var told) ? told : known.Get<ProductFacts>(StateKeys.Product(product))?.Category;

        var signals = effects.Signals.Select(s => s with
        {
            Category = s.Category ?? effects.Facts.FirstOrDefault(f => f.ProductId == s.ProductId)?.Category ?? CategoryOf(s.ProductId),
        }).ToList();
        foreach (var fact in effects.Facts)
            categories[fact.ProductId] = fact.Category ?? CategoryOf(fact.ProductId);

        var keys = new List<string>(effects.Products.Select(StateKeys.Product));
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
        var customerOfBasket = CustomerOfBasket(effects);
        if (customerOfBasket is not null)
        {
            var next = new TrainingHead(head.Page + 1);
            keys.AddRange([StateKeys.TrainingHead, StateKeys.TrainingPage(head.Slot), StateKeys.TrainingPage(next.Slot)]);
            // The record names the categories of what the customer viewed before: their facts are read in the unit too.
            var before = known.Get<CustomerProfile>(StateKeys.Profile(customerOfBasket));
            keys.AddRange((before?.RecentViews ?? []).Take(TrainingSeeds).Select(v => StateKeys.Product(v.ProductId)));
        }

        return new EventChange(eventId, keys, docs =>
        {
            if (customerOfBasket is not null)
                LogForTraining(docs, head, customerOfBasket, basket, effects, signals);
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
        });
    }

    /// <summary>
    /// Appends the order to the training log: what the customer had viewed before it (the profile as it was), the basket,
    /// and the products' categories and price bands. The unit read the page the head pointed at when it was planned and
    /// the next one (a batch fills at most one: it has fewer orders than a page has records); when the head moved on
    /// beyond them since, the record is left out (a lost training example, never a wrong page).
    /// </summary>
    private static void LogForTraining(StateDocs docs, TrainingHead planned, string customer, IReadOnlyList<Guid> basket, EventEffects effects, IReadOnlyList<Signal> signals)
    {
        var head = docs.Get<TrainingHead>(StateKeys.TrainingHead) ?? new TrainingHead(0);
        if (head.Page != planned.Page && head.Page != planned.Page + 1)
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
}
