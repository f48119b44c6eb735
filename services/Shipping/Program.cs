using ShopDapr.ServiceDefaults;
using ShopDapr.Shipping;
using ShopDapr.Shipping.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddShippingServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapShippingInternalApi();
app.MapShippingAdminApi();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
