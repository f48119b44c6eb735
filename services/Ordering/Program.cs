using ShopDapr.Ordering;
using ShopDapr.Ordering.Api;
using ShopDapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOrderingServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPlaceOrderApi();
app.MapOrdersApi();
app.MapOrderSubscriptions();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
