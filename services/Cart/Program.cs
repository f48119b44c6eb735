using ShopDapr.Cart;
using ShopDapr.Cart.Api;
using ShopDapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCartServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapCartApi();
app.MapCheckoutApi();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
