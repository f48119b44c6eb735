using ShopDapr.Payment;
using ShopDapr.Payment.Api;
using ShopDapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPaymentServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPaymentInternalApi();
app.MapCardVaultApi();
app.MapPaymentAdminApi();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
