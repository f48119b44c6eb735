using ShopDapr.Analytics.Infrastructure;

namespace ShopDapr.Analytics;

public static class AnalyticsServices
{
    public static IHostApplicationBuilder AddAnalyticsServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AnalyticsStore>();
        builder.Services.AddSingleton<BehaviorIngest>();
        builder.Services.AddSingleton<RankerProvider>();
        builder.Services.AddSingleton<RecommendationService>();
        builder.Services.AddSingleton<ModelTraining>();
        builder.Services.AddSingleton<FraudIngest>();
        builder.Services.AddSingleton<BatchIngest>();
        builder.Services.AddSingleton<FraudTraining>();
        builder.Services.AddHostedService<ModelRefresher>();
        return builder;
    }
}
