using ShopDapr.Inventory;
using ShopDapr.Inventory.Api;
using ShopDapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddInventoryServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapInventoryActors();
app.MapInventoryApi();
app.MapReservationsApi();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
