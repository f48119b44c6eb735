namespace ShopDapr.Inventory.Domain;

/// <summary>One order's hold on a SKU until it is confirmed, released or expires.</summary>
public sealed record Reservation(int Quantity, DateTimeOffset ExpiresAt);

public enum Settlement
{
    Confirmed,
    Released,
    Expired,
    Refused,
}

/// <summary>How an order's reservation on this SKU ended, kept for a while so repeats answer as the first call did.</summary>
public sealed record SettledOrder(Settlement Outcome, int Quantity, DateTimeOffset At);

public enum ReserveStatus
{
    /// <summary>Held now (or already held by an earlier identical call).</summary>
    Reserved,

    /// <summary>The order's reservation was already confirmed: nothing more to hold.</summary>
    AlreadyConfirmed,

    /// <summary>Not enough available (now, or when this order first asked).</summary>
    Short,

    /// <summary>The order's reservation was released or expired earlier; it is not held again.</summary>
    Released,
}

public enum ConfirmStatus
{
    Confirmed,
    AlreadyConfirmed,

    /// <summary>The reservation had expired; the stock was still available and was taken.</summary>
    ConfirmedLate,

    /// <summary>The reservation had expired and the stock has gone to others since: nothing taken.</summary>
    ExpiredAndShort,

    /// <summary>Unknown, released or refused order: nothing to confirm.</summary>
    NothingToConfirm,
}

/// <summary>
/// The stock of one SKU: what is on hand and which orders hold part of it. Plain C#; the <c>InventoryActor</c> owns one,
/// calls it one turn at a time and persists it. Invariant: 0 ≤ Reserved ≤ OnHand, so Available never goes below 0.
/// What is persisted as the book is bounded by the reservations open at once, whatever the SKU sold before: how an
/// order ended (<see cref="Settled"/>) is kept per order beside it, for a while, and only the settlements of the orders a
/// turn touches are put in <see cref="Settled"/> for that turn.
/// </summary>
public sealed class StockBook
{
    public int OnHand { get; set; }

    public Dictionary<Guid, Reservation> Reservations { get; set; } = [];

    /// <summary>
    /// How the orders this turn deals with ended here (loaded by the owner before the turn; what the turn adds or changes
    /// is saved by the owner, each under its own key with an expiry). Not part of the persisted book.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Dictionary<Guid, SettledOrder> Settled { get; set; } = [];

    /// <summary>When the expiry reminder fires next; null when none is registered.</summary>
    public DateTimeOffset? ReminderDueAt { get; set; }

    /// <summary>
    /// Names the level last announced: its events carry ids made of it, the same on every retry. A random id of fixed
    /// size rather than a counter, so the book stays the same size however many orders the SKU sells.
    /// </summary>
    public Guid LevelId { get; set; }

    /// <summary>The broker refused the level's events; the announce reminder retries them.</summary>
    public bool AnnouncePending { get; set; }

    public int Reserved => Reservations.Values.Sum(r => r.Quantity);

    public int Available => OnHand - Reserved;

    public DateTimeOffset? EarliestExpiry => Reservations.Count == 0 ? null : Reservations.Values.Min(r => r.ExpiresAt);

    /// <summary>Holds <paramref name="quantity"/> for the order if available; idempotent per order (a repeat answers as the first call).</summary>
    public ReserveStatus Reserve(Guid orderId, int quantity, DateTimeOffset now, TimeSpan ttl)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        if (Reservations.ContainsKey(orderId))
            return ReserveStatus.Reserved;
        if (Settled.TryGetValue(orderId, out var settled))
            return settled.Outcome switch
            {
                Settlement.Confirmed => ReserveStatus.AlreadyConfirmed,
                Settlement.Refused => ReserveStatus.Short,
                _ => ReserveStatus.Released,
            };
        if (quantity > Available)
        {
            Settled[orderId] = new SettledOrder(Settlement.Refused, quantity, now);
            return ReserveStatus.Short;
        }
        Reservations[orderId] = new Reservation(quantity, now + ttl);
        return ReserveStatus.Reserved;
    }

    /// <summary>Takes the reserved stock off the shelf for good; idempotent.</summary>
    public ConfirmStatus Confirm(Guid orderId, DateTimeOffset now)
    {
        if (Reservations.Remove(orderId, out var reservation))
        {
            OnHand -= reservation.Quantity;
            Settled[orderId] = new SettledOrder(Settlement.Confirmed, reservation.Quantity, now);
            return ConfirmStatus.Confirmed;
        }
        if (!Settled.TryGetValue(orderId, out var settled))
            return ConfirmStatus.NothingToConfirm;
        switch (settled.Outcome)
        {
            case Settlement.Confirmed:
                return ConfirmStatus.AlreadyConfirmed;
            case Settlement.Expired when settled.Quantity <= Available:
                OnHand -= settled.Quantity;
                Settled[orderId] = new SettledOrder(Settlement.Confirmed, settled.Quantity, now);
                return ConfirmStatus.ConfirmedLate;
            case Settlement.Expired:
                return ConfirmStatus.ExpiredAndShort;
            default:
                return ConfirmStatus.NothingToConfirm;
        }
    }

    /// <summary>
    /// Gives the held stock back; idempotent; true when something was released. Releasing an order this SKU has never
    /// seen leaves a tombstone, so a reservation that arrives after its own release (a retried call overtaken by the
    /// compensation) is not held again.
    /// </summary>
    public bool Release(Guid orderId, DateTimeOffset now)
    {
        if (Reservations.Remove(orderId, out var reservation))
        {
            Settled[orderId] = new SettledOrder(Settlement.Released, reservation.Quantity, now);
            return true;
        }
        Settled.TryAdd(orderId, new SettledOrder(Settlement.Released, 0, now));
        return false;
    }

    /// <summary>Releases every reservation whose time is up; returns how many.</summary>
    public int ExpireDue(DateTimeOffset now)
    {
        var due = Reservations.Where(r => r.Value.ExpiresAt <= now).ToList();
        foreach (var (orderId, reservation) in due)
        {
            Reservations.Remove(orderId);
            Settled[orderId] = new SettledOrder(Settlement.Expired, reservation.Quantity, now);
        }
        return due.Count;
    }

    /// <summary>Sets the stock on hand; refused (false) below what is reserved, which would make Available negative.</summary>
    public bool TrySetOnHand(int onHand)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onHand);
        if (onHand < Reserved)
            return false;
        OnHand = onHand;
        return true;
    }
}
