using ShopDapr.Notifications;
using ShopDapr.Notifications.Api;
using ShopDapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNotificationsServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOrderEventSubscriptions();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
