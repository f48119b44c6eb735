// The app behind the invocation benchmark: answers with the body it got, so the sidecar's added cost is all that differs.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapPost("/echo", async (HttpRequest request, HttpResponse response, CancellationToken ct) =>
{
    response.ContentType = request.ContentType ?? "application/octet-stream";
    await request.Body.CopyToAsync(response.Body, ct);
});
app.MapGet("/ok", () => Results.Ok());
app.Run();
