using ShopDapr.Gateway;
using ShopDapr.Gateway.Docs;
using ShopDapr.Gateway.Routing;
using ShopDapr.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(o => o.PublicEntry = true);
builder.AddGatewayServices();

var app = builder.Build();

app.UseForwardedHeaders(); // first: every later step sees the client, not a configured proxy
app.MapDefaultEndpoints();
app.UseRateLimiter();
app.Use(UpstreamFailures.HandleForwarderErrorsAsync);
app.MapApiDocs();
app.MapGet("/", () => Results.Redirect(PublicRoutes.WebHome)).ExcludeFromDescription();
app.MapReverseProxy();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
