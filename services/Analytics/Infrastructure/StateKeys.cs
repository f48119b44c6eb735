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
    public static string Risk(string customerId) => $"risk-{customerId}";
    public static string FraudCase(Guid orderId) => $"fraud-case-{orderId:D}";
    public const string FraudHead = "fraud-head";
    public static string FraudPage(int slot) => $"fraud-log-{slot}";
    public const string FraudModels = "fraud-models";
    public static string FraudModel(string version) => $"fraud-model-{version}";
}
