using Dapr.Actors.Runtime;
using Microsoft.Extensions.Options;
using ShopDapr.Inventory.Domain;

namespace ShopDapr.Inventory.Actors;

/// <summary>
/// One SKU's <see cref="StockBook"/>, persisted in the actor state store under <see cref="StateKey"/> (its open
/// reservations only), and how each order ended here under <c>settled-{orderId}</c>, expiring after
/// <see cref="InventoryOptions.SettlementRetention"/> (the idempotency window): a reserve or confirm writes the small book
/// and at most one small settlement, however many orders the SKU has sold. Each change is saved before its events are published. Unconfirmed reservations expire through the <see cref="ExpiryReminder"/>
/// reminder: registered (due at the earliest expiry, then every <see cref="InventoryOptions.ExpiryCheckPeriod"/>) when
/// a reservation is held, unregistered when none is left.
/// </summary>
public sealed partial class InventoryActor : Actor, IInventoryActor, IRemindable
{
    public const string StateKey = "stock";
    public const string SettledKeyPrefix = "settled-";
    public const string ExpiryReminder = "expire-reservations";
    public const string AnnounceReminder = "announce-level";

    /// <summary>How soon, and how often after, the announce reminder retries a level the broker refused.</summary>
    public static readonly TimeSpan AnnounceRetry = TimeSpan.FromSeconds(2);

    private readonly StockEventPublisher _events;
    private readonly InventoryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InventoryActor> _logger;

    /// <param name="stateManager">Only for unit tests (<c>ActorHost.CreateForTest</c> has no state provider); the runtime leaves it null.</param>
    public InventoryActor(ActorHost host, StockEventPublisher events, IOptions<InventoryOptions> options, TimeProvider time,
        ILogger<InventoryActor> logger, IActorStateManager? stateManager = null)
        : base(host)
    {
        _events = events;
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (stateManager is not null)
            StateManager = stateManager;
    }

    private string Sku => Id.GetId();

    public async Task<ReserveResult> ReserveAsync(Guid orderId, int quantity, TimeSpan ttl)
    {
        if (quantity is <= 0 or > InventoryOptions.MaxLineQuantity)
            throw new ArgumentOutOfRangeException(nameof(quantity), quantity, $"A line reserves 1 to {InventoryOptions.MaxLineQuantity}.");
        var now = _time.GetUtcNow();
        var book = await LoadAsync(orderId);
        var before = Snapshot(book);
        var status = book.Reserve(orderId, quantity, now, ttl > TimeSpan.Zero ? ttl : _options.ReservationTtl);
        if (status == ReserveStatus.Short)
            LogShort(_logger, Sku, orderId, quantity, book.Available);
        await SaveAsync(book, before, now, publishAnyway: false);
        return new ReserveResult(status, Snapshot(book));
    }

    public async Task<ConfirmStatus> ConfirmAsync(Guid orderId)
    {
        var now = _time.GetUtcNow();
        var book = await LoadAsync(orderId);
        var before = Snapshot(book);
        var status = book.Confirm(orderId, now);
        if (status == ConfirmStatus.ExpiredAndShort)
            LogExpiredAndShort(_logger, Sku, orderId);
        await SaveAsync(book, before, now, publishAnyway: false);
        return status;
    }

    public async Task<bool> ReleaseAsync(Guid orderId)
    {
        var now = _time.GetUtcNow();
        var book = await LoadAsync(orderId);
        var before = Snapshot(book);
        var released = book.Release(orderId, now);
        await SaveAsync(book, before, now, publishAnyway: false);
        return released;
    }

    /// <summary>An admin's set always publishes the level, also when unchanged: a way to resend it after a lost event.</summary>
    public async Task<SetOnHandResult> SetOnHandAsync(int onHand)
    {
        if (onHand is < 0 or > InventoryOptions.MaxOnHand)
            throw new ArgumentOutOfRangeException(nameof(onHand), onHand, $"Stock on hand is 0 to {InventoryOptions.MaxOnHand}.");
        var now = _time.GetUtcNow();
        var book = await LoadAsync();
        if (!book.TrySetOnHand(onHand))
            return new SetOnHandResult(false, Snapshot(book));
        await SaveAsync(book, Snapshot(book), now, publishAnyway: true);
        return new SetOnHandResult(true, Snapshot(book));
    }

    public async Task<StockSnapshot> GetLevelAsync() => Snapshot(await LoadAsync());

    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (reminderName == AnnounceReminder)
        {
            await RetryAnnounceAsync();
            return;
        }
        if (reminderName != ExpiryReminder)
            return;
        var now = _time.GetUtcNow();
        var book = await LoadAsync();
        var before = Snapshot(book);
        book.ReminderDueAt = now + _options.ExpiryCheckPeriod;
        var expired = book.ExpireDue(now);
        if (expired > 0)
            LogExpired(_logger, Sku, expired);
        await SaveAsync(book, before, now, publishAnyway: false);
    }

    /// <summary>The book, with the settlement of <paramref name="orderId"/> (when it is not open here and has one) loaded for the turn.</summary>
    private async Task<StockBook> LoadAsync(Guid? orderId = null)
    {
        var book = await StateManager.TryGetStateAsync<StockBook>(StateKey) is { HasValue: true } stored ? stored.Value : new StockBook();
        if (orderId is { } id && !book.Reservations.ContainsKey(id)
            && await StateManager.TryGetStateAsync<SettledOrder>(SettledKey(id)) is { HasValue: true } settled)
            book.Settled[id] = settled.Value;
        _settledAtLoad = new Dictionary<Guid, SettledOrder>(book.Settled);
        return book;
    }

    /// <summary>The settlements as the turn found them, so that only what it changed is written.</summary>
    private Dictionary<Guid, SettledOrder> _settledAtLoad = [];

    private static string SettledKey(Guid orderId) => SettledKeyPrefix + orderId.ToString("N");

    /// <summary>
    /// Keeps the reminder in step with the reservations, saves, then publishes the level if the units available to sell
    /// moved (a reserve, release, expiry or restock). A confirmation turns reserved units into sold ones and leaves
    /// availability where it was, so it publishes nothing: what subscribers act on (the catalog's stock view, the low
    /// and depleted signals) is availability, and the next change that moves it carries the whole level again.
    /// </summary>
    /// <remarks>
    /// Reliable stock events without the state API's outbox: the book lives in actor state, which Dapr writes through the
    /// actor state API, not ExecuteStateTransaction, so the outbox never sees it. The actor therefore publishes from its
    /// own state: a level to announce gets a new <see cref="StockBook.LevelId"/> and is saved as announced in the
    /// same write as the change (no extra write on the hot path); when the broker refuses it, the book is saved again
    /// with the level pending and the <see cref="AnnounceReminder"/> retries until the broker took it. A retry publishes
    /// the current level under its level id's event ids, so subscribers de-duplicate it. A crash between the save and the
    /// publish still loses that one level until the next change (or an admin's set, which always publishes).
    /// </remarks>
    private async Task SaveAsync(StockBook book, StockSnapshot before, DateTimeOffset now, bool publishAnyway)
    {
        var announce = publishAnyway || Snapshot(book).Available != before.Available;
        if (announce)
        {
            book.LevelId = Guid.NewGuid();
            book.AnnouncePending = false; // saved as announced: the refused case below is the rare one that writes again
        }
        await SyncReminderAsync(book, now);
        await StateManager.SetStateAsync(StateKey, book);
        foreach (var (orderId, settled) in book.Settled)
        {
            if (!_settledAtLoad.TryGetValue(orderId, out var was) || was != settled)
                await StateManager.SetStateAsync(SettledKey(orderId), settled, _options.SettlementRetention);
        }
        await StateManager.SaveStateAsync();
        // The state manager caches every key it touched for as long as the actor is active: without this, each order's
        // settlement key would stay in this process's memory while the SKU keeps selling.
        await StateManager.ClearCacheAsync();
        if (announce && !await _events.PublishAsync(Snapshot(book), book.LevelId, now, CancellationToken.None))
        {
            book.AnnouncePending = true;
            await SaveBookAloneAsync(book);
            await RegisterReminderAsync(AnnounceReminder, [], AnnounceRetry, AnnounceRetry);
        }
    }

    /// <summary>The announce reminder: publishes the current level if one is pending, and stops once the broker took it.</summary>
    private async Task RetryAnnounceAsync()
    {
        var book = await LoadAsync();
        if (book.AnnouncePending)
        {
            if (!await _events.PublishAsync(Snapshot(book), book.LevelId, _time.GetUtcNow(), CancellationToken.None))
                return; // the reminder fires again
            book.AnnouncePending = false;
            await SaveBookAloneAsync(book);
        }
        await UnregisterReminderAsync(AnnounceReminder);
    }

    /// <summary>Writes the book alone (its announce flag changed, nothing else), leaving nothing in the state manager's cache.</summary>
    private async Task SaveBookAloneAsync(StockBook book)
    {
        await StateManager.SetStateAsync(StateKey, book);
        await StateManager.SaveStateAsync();
        await StateManager.ClearCacheAsync();
    }

    private async Task SyncReminderAsync(StockBook book, DateTimeOffset now)
    {
        if (book.EarliestExpiry is not { } earliest)
        {
            if (book.ReminderDueAt is not null)
            {
                await UnregisterReminderAsync(ExpiryReminder);
                book.ReminderDueAt = null;
            }
            return;
        }
        if (book.ReminderDueAt is { } due && due <= earliest)
            return;
        var dueTime = earliest > now ? earliest - now : TimeSpan.Zero;
        await RegisterReminderAsync(ExpiryReminder, [], dueTime, _options.ExpiryCheckPeriod);
        book.ReminderDueAt = now + dueTime;
    }

    private StockSnapshot Snapshot(StockBook book) => new(Sku, book.OnHand, book.Reserved, book.Available);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Sku}: order {OrderId} asked for {Quantity}, only {Available} available")]
    private static partial void LogShort(ILogger logger, string sku, Guid orderId, int quantity, int available);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Sku}: order {OrderId} confirmed after its reservation expired and the stock went to others; nothing taken")]
    private static partial void LogExpiredAndShort(ILogger logger, string sku, Guid orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Sku}: {Count} reservation(s) expired and were released")]
    private static partial void LogExpired(ILogger logger, string sku, int count);
}
