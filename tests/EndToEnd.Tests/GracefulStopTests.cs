using System.Net;
using System.Net.Http.Json;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>A shop of its own for <see cref="GracefulStopTests"/>: the test stops it with Ctrl+C and starts it again.</summary>
public sealed class GracefulStopShopFixture : ShopFixture
{
    protected override string LogFileName => "shop-e2e-graceful-stop.log";
}

/// <summary>
/// Ctrl+C drains: the dev sidecar delivers what its in-memory queues hold to the apps, still running, before it stops
/// them. An order that completed just before Ctrl+C gets its e-mails, each once, even across a restart.
/// </summary>
public sealed class GracefulStopTests(GracefulStopShopFixture shop) : IClassFixture<GracefulStopShopFixture>
{
    private static readonly string[] CustomerEmails = ["OrderSubmitted", "OrderPaid", "OrderShipped", "OrderCompleted"];

    private readonly SagaClient _api = new(shop);

    [Fact]
    public async Task Ctrl_C_right_after_an_order_completes_then_a_restart_leaves_each_of_its_emails_exactly_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(1, 100m, ct))[0];
        await _api.SetStockAsync(admin, product.Sku, 5, ct);
        var (customer, _) = await _api.NewCustomerAsync("ctrl-c", ct);
        await _api.AddToCartAsync(customer, product.Id, 1, ct);
        using var checkout = await _api.CheckoutAsync(customer, SagaClient.ApprovingCard, $"ctrl-c-{Guid.NewGuid():N}", ct);
        Assert.True(checkout.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(checkout));
        var orderId = (await checkout.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId;
        var order = await _api.AwaitTerminalAsync(customer, orderId, TimeSpan.FromMinutes(2), ct);
        Assert.Equal("Completed", order.Status);

        var code = await shop.InterruptAsync(ct);
        var atStop = Emails(orderId);
        var stopLog = shop.Log;
        await shop.RestartAsync(ct);
        foreach (var type in CustomerEmails)
            await _api.AwaitEmailAsync(orderId, type, TimeSpan.FromMinutes(1), ct);

        Assert.True(code == 0, $"run exited with {code}:\n{stopLog[^Math.Min(4000, stopLog.Length)..]}");
        var files = Emails(orderId);
        TestContext.Current.TestOutputHelper?.WriteLine($"at stop: {string.Join(", ", atStop)}; after the restart: {string.Join(", ", files)}");
        Assert.Equal(CustomerEmails.Length, files.Count);
        Assert.All(CustomerEmails, type => Assert.Single(files, f => f.EndsWith($"-{type}.eml", StringComparison.Ordinal)));
        Assert.DoesNotContain("were still queued or in delivery", stopLog, StringComparison.Ordinal);
    }

    private List<string> Emails(Guid orderId) =>
        Directory.Exists(shop.MailDir)
            ? [.. Directory.GetFiles(shop.MailDir, $"{orderId:D}-*.eml").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)]
            : [];
}
