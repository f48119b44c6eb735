namespace ShopDapr.Analytics.Infrastructure;

/// <summary>Every state key analytics writes, in one place.</summary>
public static class StateKeys
{
    public static string Profile(string customerId) => $"profile-{customerId}";
    public static string Product(Guid productId) => $"product-{productId:D}";
    public static string Stock(string sku) => $"stock-{sku.Trim().ToUpperInvariant()}";
    public static string CoOccurrence(Guid productId) => $"co-{productId:D}";
    public const string TrainingHead = "train-head";
    public static string TrainingPage(int slot) => $"train-log-{slot}";
    public const string Models = "models";
    public static string Model(string version) => $"model-{version}";
}
