using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr;
using Grpc.Core;

namespace ShopDapr.DevSidecar.Tests.Bindings;

public sealed class LocalStorageBindingTests : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private Task<TestSidecar> Start() => TestSidecar.StartAsync(new Dictionary<string, string>
    {
        ["mail.yaml"] = Yaml.Component("mail", "bindings.localstorage", ("rootPath", Path.Combine(_root.Path, "outbox"))),
    });

    [Fact]
    public async Task Create_get_list_and_delete_files_through_the_official_client()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dapr = await Start();
        var outbox = Path.Combine(_root.Path, "outbox");
        var name = new Dictionary<string, string> { ["fileName"] = "orders/o-1.txt" };

        var created = await dapr.Client.InvokeBindingAsync<string, JsonElement>("mail", "create", "Your order shipped", name, ct);
        Assert.Equal(Path.Combine("orders", "o-1.txt"), created.GetProperty("fileName").GetString());
        Assert.Equal("Your order shipped", await File.ReadAllTextAsync(Path.Combine(outbox, "orders", "o-1.txt"), ct));

        var got = await dapr.Client.InvokeBindingAsync(new Dapr.Client.BindingRequest("mail", "get") { Metadata = { ["fileName"] = "orders/o-1.txt" } }, ct);
        Assert.Equal("Your order shipped", Encoding.UTF8.GetString(got.Data.Span));

        var listed = await dapr.Client.InvokeBindingAsync<object?, string[]>("mail", "list", null, cancellationToken: ct);
        Assert.Equal([Path.Combine(outbox, "orders", "o-1.txt")], listed);

        await dapr.Client.InvokeBindingAsync("mail", "delete", (object?)null, name, ct);
        Assert.False(File.Exists(Path.Combine(outbox, "orders", "o-1.txt")));
    }

    [Fact]
    public async Task Create_without_a_file_name_picks_a_uuid()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dapr = await Start();

        var created = await dapr.Client.InvokeBindingAsync<string, JsonElement>("mail", "create", "hello", cancellationToken: ct);

        var fileName = created.GetProperty("fileName").GetString()!;
        Assert.True(Guid.TryParse(fileName, out _));
        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(_root.Path, "outbox", fileName), ct));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/etc/passwd")]
    public async Task A_file_name_leading_outside_root_path_is_refused(string fileName)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dapr = await Start();
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };

        var response = await http.PostAsJsonAsync("/v1.0/bindings/mail", new { operation = "create", data = "x", metadata = new Dictionary<string, string> { ["fileName"] = fileName } }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_INVOKE_OUTPUT_BINDING", (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errorCode").GetString());
        Assert.False(File.Exists(Path.Combine(_root.Path, "escape.txt")));

        var e = await Assert.ThrowsAsync<DaprException>(() => dapr.Client.InvokeBindingAsync("mail", "get", (object?)null, new Dictionary<string, string> { ["fileName"] = fileName }, ct));
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(e.InnerException).StatusCode);
    }

    [Fact]
    public async Task Http_api_invokes_the_binding_and_reports_bad_requests()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dapr = await Start();
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };

        var create = await http.PostAsJsonAsync("/v1.0/bindings/mail", new { operation = "create", data = new { to = "a@b.c" }, metadata = new Dictionary<string, string> { ["fileName"] = "m.json" } }, ct);
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        var get = await http.PostAsJsonAsync("/v1.0/bindings/mail", new { operation = "get", metadata = new Dictionary<string, string> { ["fileName"] = "m.json" } }, ct);
        Assert.Equal("a@b.c", (await get.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("to").GetString());
        var delete = await http.PostAsJsonAsync("/v1.0/bindings/mail", new { operation = "delete", metadata = new Dictionary<string, string> { ["fileName"] = "m.json" } }, ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        await AssertError(await http.PostAsync("/v1.0/bindings/mail", new StringContent("{oops", Encoding.UTF8, "application/json"), ct), "ERR_MALFORMED_REQUEST", ct);
        await AssertError(await http.PostAsJsonAsync("/v1.0/bindings/mail", new { data = 1 }, ct), "ERR_INVOKE_OUTPUT_BINDING", ct);
        await AssertError(await http.PostAsJsonAsync("/v1.0/bindings/mail", new { operation = "purge" }, ct), "ERR_INVOKE_OUTPUT_BINDING", ct);
        await AssertError(await http.PostAsJsonAsync("/v1.0/bindings/nobinding", new { operation = "create" }, ct), "ERR_INVOKE_OUTPUT_BINDING", ct);
    }

    [Fact]
    public async Task Getting_a_missing_file_fails_with_the_binding_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dapr = await Start();

        var e = await Assert.ThrowsAsync<DaprException>(() => dapr.Client.InvokeBindingAsync("mail", "get", (object?)null, new Dictionary<string, string> { ["fileName"] = "none.txt" }, ct));

        var rpc = Assert.IsType<RpcException>(e.InnerException);
        Assert.StartsWith("error invoking output binding mail: file not found", rpc.Status.Detail);
    }

    private static async Task AssertError(HttpResponseMessage response, string code, CancellationToken ct)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errorCode").GetString());
    }
}
