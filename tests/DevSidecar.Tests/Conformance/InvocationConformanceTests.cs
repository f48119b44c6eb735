using System.Net;

namespace ShopDapr.DevSidecar.Tests.Conformance;

/// <summary>Service invocation as daprd does it: verb, path, query, headers and body through; the app's status back.</summary>
public sealed class InvocationConformanceTests
{
    [Theory]
    [MemberData(nameof(SidecarTarget.All), MemberType = typeof(SidecarTarget))]
    public async Task Invoke_http_client_reaches_the_app_and_passes_its_answer_back(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await TestApp.StartAsync(web =>
        {
            web.MapPost("/orders/{id}", async (string id, HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                var body = await reader.ReadToEndAsync();
                return Results.Text($"{id}|{request.Query["q"]}|{request.Headers["x-test"]}|{body}");
            });
            web.MapGet("/missing", () => Results.NotFound());
        });
        using var dir = new TempDir();
        await using var target = await SidecarTarget.StartAsync(kind, "conformance-invoke", dir.Path, app.Port);
        using var http = target.Client.CreateInvokableHttpClient("conformance-invoke");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders/42?q=fast") { Content = new StringContent("hello") };
        request.Headers.Add("x-test", "yes");
        var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("42|fast|yes|hello", await response.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/missing", ct)).StatusCode);
    }
}
