using ShopDapr.ServiceDefaults;
using ShopDapr.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseStaticFiles();
app.MapRazorPages(); // every form post checks its antiforgery token (Razor Pages' default)

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
