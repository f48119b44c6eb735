namespace ShopDapr.Web.Shop;

// The public API's JSON as this app reads it (only the fields the pages show).

public sealed record PagedList<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize)
{
    public int PageCount => PageSize <= 0 ? 0 : (int)((Total + PageSize - 1) / PageSize);
}

public sealed record Product(
    Guid Id, string Sku, string Name, string Description, string Category, string Brand, decimal Price, string Currency,
    IReadOnlyDictionary<string, string>? Attributes, int Available, bool StockKnown)
{
    public string Availability => Describe(StockKnown, Available);

    public static string Describe(bool known, int available) =>
        !known ? "Availability unknown" : available > 0 ? $"In stock ({available} available)" : "Sold out";
}

public sealed record Category(string Slug, string Name, int ProductCount);

public sealed record FacetValue(string Value, int Count);

public sealed record SearchFacets(IReadOnlyList<FacetValue> Categories, IReadOnlyList<FacetValue> Brands);

public sealed record SearchResult(IReadOnlyList<Product> Items, int Total, int Page, int PageSize, SearchFacets Facets);

public sealed record IssuedToken(string AccessToken, int ExpiresIn);

public sealed record CurrentUser(string Id, string? Email, string? Name, IReadOnlyList<string> Roles)
{
    public bool IsAdmin => Roles.Contains("admin", StringComparer.OrdinalIgnoreCase);
}

public sealed record CartLine(Guid ProductId, string Sku, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);

public sealed record CartView(IReadOnlyList<CartLine> Lines, int ItemCount, decimal Total);

public sealed record Address(string Name, string Street, string City, string PostalCode, string Country);

public sealed record Card(string Number, string Expiry, string Cvc);

public sealed record OrderPlaced(Guid OrderId);

public sealed record OrderLine(Guid ProductId, string Sku, string Name, decimal UnitPrice, int Quantity);

public sealed record Order(
    Guid Id, string CustomerId, string Status, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency,
    Address? ShippingAddress, string? Card, string? TrackingNumber, double? FraudScore, string? CancellationReason, bool Refunded,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Whether the saga may still move the order on by itself (the order page keeps following it).</summary>
    public bool InProgress => Status is not ("Completed" or "Delivered" or "Cancelled" or "AwaitingApproval");
}

public sealed record OrderHistoryEntry(long Version, string Type, DateTimeOffset OccurredAt);

public sealed record StockLevel(string Sku, int OnHand, int Reserved, int Available);

public sealed record Shipment(Guid OrderId, string ShipmentId, string TrackingNumber, string Status);

public sealed record KeyVersionInfo(int Version, DateTimeOffset CreatedAt, string State);

/// <summary>A managed key's metadata (the keys app never hands out material).</summary>
public sealed record KeyInfo(
    string Name, string Type, string State, int LatestVersion, int MinDecryptionVersion, string? RotationPeriod,
    DateTimeOffset CreatedAt, DateTimeOffset? DeletionDate, IReadOnlyList<KeyVersionInfo> Versions);

public sealed record AuditBreak(long Sequence, string Reason);

/// <summary>The keys app's audit chain, checked link by link.</summary>
public sealed record AuditVerification(bool Valid, long Entries, AuditBreak? FirstInvalid);

/// <summary>A recommended or trending product as analytics answers it: an id and a score, not yet a name.</summary>
public sealed record Recommended(Guid ProductId, string? Category, decimal? Price, double Score, string Reason);

public sealed record RankingMetrics(double HitRateAt10, double NdcgAt10, int Cases);

/// <summary>One trained version of the recommendation model, with its metrics and those it was compared with.</summary>
public sealed record ModelSummary(
    string Version, DateTimeOffset TrainedAt, DateTimeOffset WindowFrom, DateTimeOffset WindowTo, int Orders,
    RankingMetrics Metrics, string ComparedWith, RankingMetrics Incumbent, RankingMetrics Popularity, bool Promoted);

/// <summary>An event a subscriber could not handle, as ordering keeps it for the admin (newest first).</summary>
public sealed record DeadLetter(string Id, string? Type, string? Source, string? Topic, DateTimeOffset ReceivedAt, System.Text.Json.JsonElement Message);
