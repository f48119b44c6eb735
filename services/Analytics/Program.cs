using ShopDapr.Analytics;
using ShopDapr.Analytics.Api;
using ShopDapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAnalyticsServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapBehaviorSubscriptions();
app.MapTrendingApi();
app.MapRecommendationsApi();
app.MapProfilesApi();
app.MapModelsApi();
app.MapFraudApi();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
