using ShopDapr.Keys;
using ShopDapr.Keys.Api;
using ShopDapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddKeysServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapKeysAdminApi();
app.MapKeysInternalApi();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
