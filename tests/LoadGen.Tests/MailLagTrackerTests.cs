using ShopDapr.LoadGen.Mail;

namespace ShopDapr.LoadGen.Tests;

public sealed class MailLagTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_lag_is_the_last_expected_email_written_minus_the_completion_whatever_order_they_arrive_in()
    {
        var tracker = new MailLagTracker();
        var order = Guid.NewGuid();
        tracker.EmailWritten(order, "OrderSubmitted", T0.AddMilliseconds(-900)); // caused by earlier events: before completion
        tracker.EmailWritten(order, "OrderPaid", T0.AddMilliseconds(-400));
        tracker.OrderCompleted(order, T0, measured: true);
        tracker.EmailWritten(order, "OrderCompleted", T0.AddMilliseconds(1_250));
        Assert.Empty(tracker.WindowLags());                                        // OrderShipped still missing
        Assert.Equal(1, tracker.Pending(T0.AddSeconds(2)).Orders);

        tracker.EmailWritten(order, "OrderShipped", T0.AddMilliseconds(300));

        Assert.Equal([1_250.0], tracker.WindowLags());
        Assert.Equal(1, tracker.OrdersWithAllEmails);
        Assert.Equal(0, tracker.Pending(T0.AddSeconds(2)).Orders);
        Assert.Equal(T0.AddMilliseconds(1_250), tracker.LastEmailWritten);
    }

    [Fact]
    public void Emails_seen_before_the_shopper_saw_the_order_completed_resolve_it_at_once_and_a_lag_below_zero_counts_as_zero()
    {
        var tracker = new MailLagTracker();
        var order = Guid.NewGuid();
        foreach (var type in MailLagTracker.ExpectedEmails)
            tracker.EmailWritten(order, type, T0.AddMilliseconds(-5));  // file times and event times from clocks a hair apart

        tracker.OrderCompleted(order, T0, measured: true);

        Assert.Equal([0.0], tracker.WindowLags());
    }

    [Fact]
    public void Repeats_unexpected_types_and_other_orders_do_not_change_an_order_s_lag()
    {
        var tracker = new MailLagTracker();
        var order = Guid.NewGuid();
        tracker.OrderCompleted(order, T0, measured: true);
        tracker.EmailWritten(order, "OrderSubmitted", T0.AddMilliseconds(100));
        tracker.EmailWritten(order, "OrderSubmitted", T0.AddMilliseconds(9_000));   // a second write of the same e-mail
        tracker.EmailWritten(order, "OrderDelivered", T0.AddMilliseconds(8_000));   // not one of the four
        tracker.EmailWritten(Guid.NewGuid(), "OrderPaid", T0.AddMilliseconds(7_000));
        foreach (var type in new[] { "OrderPaid", "OrderShipped", "OrderCompleted" })
            tracker.EmailWritten(order, type, T0.AddMilliseconds(200));
        tracker.EmailWritten(order, "OrderPaid", T0.AddMilliseconds(6_000));        // after it resolved

        Assert.Equal([200.0], tracker.WindowLags());
        Assert.Equal(1, tracker.OrdersCompleted);
    }

    [Fact]
    public void Warm_up_orders_must_have_their_emails_but_only_measured_orders_count_in_the_percentiles_and_intervals()
    {
        var tracker = new MailLagTracker();
        var warm = Guid.NewGuid();
        var measured = Guid.NewGuid();
        tracker.OrderCompleted(warm, T0, measured: false);
        tracker.OrderCompleted(measured, T0, measured: true);
        Complete(tracker, warm, T0.AddSeconds(3));
        Complete(tracker, measured, T0.AddSeconds(1));

        Assert.Equal([1_000.0], tracker.CutInterval());
        Assert.Empty(tracker.CutInterval());                  // cut: the next interval starts empty
        Assert.Equal([1_000.0], tracker.WindowLags());         // the window keeps them all
        Assert.Equal(2, tracker.OrdersWithAllEmails);
        Assert.Equal(T0.AddSeconds(3), tracker.LastEmailWritten);
    }

    [Fact]
    public void Pending_counts_completed_orders_still_missing_an_email_and_ages_the_oldest()
    {
        var tracker = new MailLagTracker();
        tracker.EmailWritten(Guid.NewGuid(), "OrderSubmitted", T0);              // an order not (yet) seen completed: not pending
        tracker.OrderCompleted(Guid.NewGuid(), T0.AddSeconds(1), measured: true);
        tracker.OrderCompleted(Guid.NewGuid(), T0.AddSeconds(4), measured: true);

        var (orders, oldest) = tracker.Pending(T0.AddSeconds(10));

        Assert.Equal(2, orders);
        Assert.Equal(TimeSpan.FromSeconds(9), oldest);
    }

    private static void Complete(MailLagTracker tracker, Guid order, DateTimeOffset at)
    {
        foreach (var type in MailLagTracker.ExpectedEmails)
            tracker.EmailWritten(order, type, at);
    }
}
