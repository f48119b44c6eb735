using ShopDapr.Contracts.Ordering;
using ShopDapr.Notifications.Emails;

namespace ShopDapr.Notifications.Tests;

public sealed class EmailTemplateTests
{
    private static EmailMessage Render(IOrderEvent e) => EmailLayout.Render(e.CustomerEmail, OrderEmails.For(e)!);

    [Theory]
    [InlineData(12.5, "EUR", "€12.50")]
    [InlineData(1234.5, "USD", "$1,234.50")]
    [InlineData(0.1, "GBP", "£0.10")]
    [InlineData(1500, "JPY", "¥1,500")]
    [InlineData(99.95, "CHF", "99.95 CHF")]
    public void Amounts_are_formatted_with_their_currency(decimal amount, string currency, string expected) =>
        Assert.Equal(expected, Money.Format(amount, currency));

    [Fact]
    public void Submitted_lists_the_lines_total_address_and_only_the_cards_last_four()
    {
        var e = Events.Submitted();
        var mail = Render(e);
        Assert.Equal($"We received your order {OrderEmails.OrderNumber(e.OrderId)}", mail.Subject);
        foreach (var body in new[] { mail.Text, mail.Html })
        {
            Assert.Contains("Hammer", body);
            Assert.Contains("€25.00", body);
            Assert.Contains("€1,234.50", body);
            Assert.Contains("€1,259.50", body);
            Assert.Contains("ending in 4242", body);
            Assert.Contains("1 Analytical Way", body);
        }
    }

    [Fact]
    public void Values_are_html_encoded_in_the_html_body_and_left_plain_in_the_text()
    {
        var mail = Render(Events.Submitted(itemName: "<script>alert('x')</script> & \"co\""));
        Assert.DoesNotContain("<script>", mail.Html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;", mail.Html);
        Assert.Contains("<script>alert('x')</script> & \"co\"", mail.Text);
    }

    [Theory]
    [InlineData(true, "refunded")]
    [InlineData(false, "not been charged")]
    public void Cancelled_says_why_and_whether_money_went_back(bool refunded, string says)
    {
        var mail = Render(Events.Cancelled("Payment declined: <b>insufficient funds</b>", refunded));
        Assert.Contains("Reason: Payment declined: <b>insufficient funds</b>", mail.Text);
        Assert.Contains("Payment declined: &lt;b&gt;insufficient funds&lt;/b&gt;", mail.Html);
        Assert.Contains(says, mail.Text);
        Assert.Contains("was cancelled", mail.Subject);
    }

    [Fact]
    public void Each_customer_facing_event_has_its_own_mail_and_internal_steps_have_none()
    {
        var id = Guid.NewGuid();
        IOrderEvent[] events =
        [
            Events.Submitted(id),
            new OrderAwaitingApproval(Guid.NewGuid(), id, 2, "c", "a@b.c", Events.At, 0.93, ["new account", "mismatched country"]),
            Events.Paid(id),
            Events.Shipped(id),
            new OrderCompleted(Guid.NewGuid(), id, 5, "c", "a@b.c", Events.At),
            new OrderDelivered(Guid.NewGuid(), id, 6, "c", "a@b.c", Events.At),
            Events.Cancelled("out of stock", false, id),
        ];
        var subjects = events.Select(e => Render(e).Subject).ToList();
        Assert.Equal(OrderEmails.CustomerFacing.Count, subjects.Distinct().Count());
        Assert.All(subjects, s => Assert.Contains(OrderEmails.OrderNumber(id), s));
        Assert.Contains("$99.90", Render(events[2]).Text);
        Assert.Contains("SD0123456789", Render(events[3]).Html);
        Assert.Null(OrderEmails.For(Events.Reserved(id)));
    }

    [Fact]
    public void A_held_order_does_not_reveal_the_fraud_score_or_reasons()
    {
        var mail = Render(new OrderAwaitingApproval(Guid.NewGuid(), Guid.NewGuid(), 2, "c", "a@b.c", Events.At, 0.93, ["new account"]));
        Assert.DoesNotContain("0.93", mail.Text + mail.Html);
        Assert.DoesNotContain("new account", mail.Text + mail.Html);
    }

    [Fact]
    public void The_mime_message_has_headers_a_text_part_and_an_html_part()
    {
        var id = Guid.NewGuid();
        var mail = Render(Events.Paid());
        var mime = MimeMessage.Render("ShopDapr <orders@shopdapr.local>", mail, id, Events.At);
        Assert.StartsWith("From: ShopDapr <orders@shopdapr.local>\r\nTo: ada@example.com\r\nSubject: Payment received for order #", mime);
        Assert.Contains("Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n", mime);
        Assert.Contains($"Message-ID: <{id}@shopdapr.local>", mime);
        var text = mime.IndexOf("Content-Type: text/plain; charset=utf-8", StringComparison.Ordinal);
        var html = mime.IndexOf("Content-Type: text/html; charset=utf-8", StringComparison.Ordinal);
        Assert.True(text > 0 && html > text);
        Assert.EndsWith($"--=_shopdapr_{id:N}--\r\n", mime);
    }

    [Fact]
    public void A_line_break_in_a_header_is_refused()
    {
        var mail = Render(Events.Paid()) with { To = "ada@example.com\r\nBcc: everyone@example.com" };
        Assert.Throws<ArgumentException>(() => MimeMessage.Render("x <x@y.z>", mail, Guid.NewGuid(), Events.At));
    }
}
