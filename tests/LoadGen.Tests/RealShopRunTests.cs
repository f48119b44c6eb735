using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ShopDapr.LoadGen.Cli;
using ShopDapr.LoadGen.Output;
using ShopDapr.EndToEnd.Tests;

namespace ShopDapr.LoadGen.Tests;

/// <summary>A short real run: every app of dapr.yaml under the dev sidecar, the load generator driving it through the gateway.</summary>
public sealed class RealShopRunTests
{
    /// <summary>
    /// Every app of dapr.yaml under the dev sidecar, for one load client: the gateway's per-client rate limits (login and
    /// register too) are lifted, as for any load test. Skips the test when the solution is not built.
    /// </summary>
    private static Task<ShopRun> StartShopAsync(CancellationToken ct)
    {
        Assert.SkipUnless(File.Exists(ShopRun.SidecarDll), $"{ShopRun.SidecarDll} is missing: build the solution first (./test.sh does)");
        return ShopRun.StartAsync(new ShopRunOptions(Environment: new Dictionary<string, string>
        {
            ["Gateway__RateLimitPermits"] = "1000000",
            ["Gateway__LoginRateLimitPermits"] = "1000000",
            ["Gateway__RegisterRateLimitPermits"] = "1000000",
        }), ct);
    }

    [Fact]
    public async Task A_short_closed_loop_run_against_the_real_shop_completes_orders_with_no_errors_and_every_one_has_its_emails()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var shop = await StartShopAsync(ct);
        var json = Path.Combine(Path.GetTempPath(), $"loadgen-real-{Guid.NewGuid():N}.json");
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            // A cold shop's first orders take seconds (every app and sidecar JIT-compiles on first use): a first run
            // (its journeys awaited to the end) warms it, whatever it measures; the second run is the one checked.
            await LoadGenCommand.RunAsync(["--url", shop.Gateway.ToString(), "--shoppers", "3", "--warmup", "0", "--duration", "1", "--products", "5"],
                new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null }, ct);
            var exit = await LoadGenCommand.RunAsync(
                ["--url", shop.Gateway.ToString(), "--shoppers", "3", "--warmup", "1", "--duration", "6", "--products", "5", "--poll-ms", "50", "--json", json,
                 "--mail-dir", Path.Combine(shop.WorkDir, ".data", "mail"), "--mail-wait", "60"],
                new InvocationConfiguration { Output = output, Error = error }, ct);

            var report = $"exit {exit}\n{output}\n{error}\n--- shop ---\n{string.Join('\n', shop.Log.Split('\n').TakeLast(40))}";
            Assert.True(exit == 0, report);
            var results = JsonReport.Deserialize(await File.ReadAllTextAsync(json, ct))!;
            Assert.True(results.Orders.CompletedInWindow > 0, report);
            Assert.True(results.RequestErrors == 0, report);
            Assert.True(results.Orders.CancelledInWindow == 0 && results.Orders.FailedJourneys == 0, report);
            Assert.All(results.Steps, s => Assert.True(s.Count > 0 && s.P95Ms > 0, $"{s.Step}: {s.Count} samples\n{report}"));
            Assert.True(results.Saga is { Count: > 0, Errors: 0 }, report);
            Assert.Contains("orders completed/s", output.ToString(), StringComparison.Ordinal);
            // Consumers keep up: every order this run completed has its four e-mails in the shop's mail folder.
            Assert.True(results.Mail is { AllWritten: true, OrdersCompleted: > 0 } mail && mail.MeasuredOrders == results.Orders.CompletedInWindow
                && mail.LagP99Ms is not null, report);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task With_tastes_and_fraudsters_the_run_as_admin_rejects_the_fraudsters_held_orders_and_the_others_complete()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var shop = await StartShopAsync(ct);
        using var output = new StringWriter();
        using var error = new StringWriter();
        // As above: a first plain run warms the cold shop, so the checked run's window sees orders complete.
        await LoadGenCommand.RunAsync(["--url", shop.Gateway.ToString(), "--shoppers", "3", "--warmup", "0", "--duration", "1", "--products", "5"],
            new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null }, ct);

        var exit = await LoadGenCommand.RunAsync(
            ["--url", shop.Gateway.ToString(), "--shoppers", "3", "--warmup", "1", "--duration", "10", "--products", "4", "--poll-ms", "50",
             "--tastes", "--fraud-share", "0.34", "--seed", "5"],
            new InvocationConfiguration { Output = output, Error = error }, ct);

        var report = $"exit {exit}\n{output}\n{error}\n--- shop ---\n{string.Join('\n', shop.Log.Split('\n').TakeLast(40))}";
        Assert.True(exit == 0, report);
        Assert.Contains("tastes: 1 of 3 shoppers are fraudsters", output.ToString(), StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = shop.Gateway };
        var admin = await LoginAdminAsync(http, ct);
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/orders?pageSize=100");
        list.Headers.Authorization = new("Bearer", admin);
        var orders = (await (await http.SendAsync(list, ct)).Content.ReadFromJsonAsync<OrderList>(JsonSerializerOptions.Web, ct))!.Items;
        Assert.Contains(orders, o => o.Status == "Completed");
        Assert.Contains(orders, o => o.Status == "Cancelled" && o.CancellationReason?.StartsWith("Rejected by an admin: known fraudster", StringComparison.Ordinal) == true);
        Assert.Contains(orders, o => o.Status == "Cancelled" && o.CancellationReason?.Contains("declined", StringComparison.OrdinalIgnoreCase) == true);
        Assert.DoesNotContain(orders, o => o.Status == "AwaitingApproval");
    }

    private static async Task<string> LoginAdminAsync(HttpClient http, CancellationToken ct)
    {
        var secrets = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(ShopRun.RepoRoot, "components/local/secrets.json"), ct))!;
        var login = await http.PostAsJsonAsync("/api/identity/login",
            new { email = secrets["admin-email"]!.GetValue<string>(), password = secrets["admin-password"]!.GetValue<string>() }, ct);
        return (await login.Content.ReadFromJsonAsync<JsonObject>(ct))!["accessToken"]!.GetValue<string>();
    }

    private sealed record OrderSummary(Guid Id, string Status, string? CancellationReason);

    private sealed record OrderList(List<OrderSummary> Items);
}
