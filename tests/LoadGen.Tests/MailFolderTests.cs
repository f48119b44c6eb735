using ShopDapr.LoadGen.Mail;

namespace ShopDapr.LoadGen.Tests;

/// <summary>The mail folder watcher against a fake mail folder: files named as services/Notifications names them.</summary>
public sealed class MailFolderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"loadgen-mail-{Guid.NewGuid():N}");

    [Theory]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301-5-OrderCompleted.eml", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "OrderCompleted")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301-12-OrderSubmitted.eml", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "OrderSubmitted")]
    public void A_notification_file_name_gives_its_order_and_event_type(string name, string order, string type)
    {
        Assert.True(MailFolder.TryParse(name, out var orderId, out var eventType));
        Assert.Equal(Guid.Parse(order), orderId);
        Assert.Equal(type, eventType);
    }

    [Theory]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301-5-OrderCompleted.txt")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301-x-OrderCompleted.eml")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301-5-.eml")]
    [InlineData("not-a-guid-at-all-not-a-guid-at-all-x-5-OrderPaid.eml")]
    [InlineData("welcome.eml")]
    public void Any_other_file_name_is_not_a_notification(string name) =>
        Assert.False(MailFolder.TryParse(name, out _, out _));

    [Fact]
    public void Emails_already_in_the_folder_count_with_their_write_times()
    {
        var order = Guid.NewGuid();
        var completed = DateTimeOffset.UtcNow.AddMinutes(-1);
        Directory.CreateDirectory(_dir);
        var version = 1;
        foreach (var type in MailLagTracker.ExpectedEmails)
        {
            var file = Path.Combine(_dir, $"{order:D}-{version++}-{type}.eml");
            File.WriteAllText(file, "mail");
            File.SetLastWriteTimeUtc(file, completed.AddMilliseconds(version * 100).UtcDateTime);
        }
        var tracker = new MailLagTracker();
        tracker.OrderCompleted(order, completed, measured: true);

        using var folder = new MailFolder(_dir, tracker);

        Assert.Equal([500.0], tracker.WindowLags()); // the last file (version 4, written at +500 ms)
    }

    [Fact]
    public async Task Emails_written_while_watching_resolve_the_order()
    {
        var tracker = new MailLagTracker();
        using var folder = new MailFolder(_dir, tracker);
        var order = Guid.NewGuid();
        var completed = DateTimeOffset.UtcNow;
        tracker.OrderCompleted(order, completed, measured: true);
        var version = 1;
        foreach (var type in MailLagTracker.ExpectedEmails.Append("OrderDelivered"))
            await File.WriteAllTextAsync(Path.Combine(_dir, $"{order:D}-{version++}-{type}.eml"), "mail", TestContext.Current.CancellationToken);
        var written = DateTimeOffset.UtcNow;

        await Until(() => tracker.OrdersWithAllEmails == 1);

        var lag = Assert.Single(tracker.WindowLags());
        Assert.InRange(lag, 0, (written - completed).TotalMilliseconds + 50); // file times come from the file system's coarser clock
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    private static async Task Until(Func<bool> condition)
    {
        var ct = TestContext.Current.CancellationToken;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.False(limit.IsCancellationRequested, "the watcher did not report the files within 10 s");
            await Task.Delay(20, ct);
        }
    }
}
