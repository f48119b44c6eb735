using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Notifications.Emails;

/// <summary>
/// The customer-facing order events and what each e-mail says. Internal steps (stock reserved) send nothing. A held order
/// says only that it is being checked: fraud scores and reasons are never shown to the customer.
/// </summary>
public static class OrderEmails
{
    /// <summary>The CloudEvent types that produce an e-mail.</summary>
    public static IReadOnlyList<string> CustomerFacing { get; } =
    [
        nameof(OrderSubmitted), nameof(OrderAwaitingApproval), nameof(OrderPaid), nameof(OrderShipped),
        nameof(OrderCompleted), nameof(OrderDelivered), nameof(OrderCancelled),
    ];

    public static EmailContent? For(IOrderEvent e)
    {
        var number = OrderNumber(e.OrderId);
        return e switch
        {
            OrderSubmitted s => new EmailContent($"We received your order {number}", "Thank you for your order",
                ["We have received your order and are getting it ready. You will hear from us at every step."])
            {
                Table = [["Item", "Quantity", "Price", "Total"],
                    .. s.Lines.Select(l => (IReadOnlyList<string>)[l.Name, l.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Money.Format(l.UnitPrice, s.Currency), Money.Format(l.UnitPrice * l.Quantity, s.Currency)])],
                Facts = [("Order", number), ("Total", Money.Format(s.Total, s.Currency)), ("Card", $"ending in {s.CardLast4}"),
                    ("Ship to", $"{s.ShippingAddress.Name}, {s.ShippingAddress.Street}, {s.ShippingAddress.PostalCode} {s.ShippingAddress.City}, {s.ShippingAddress.Country}")],
            },
            OrderAwaitingApproval => new EmailContent($"Your order {number} is being checked", "We are checking your order",
                ["Before we take payment we need a moment to check your order. There is nothing you need to do; we will write again as soon as it moves on."])
            { Facts = [("Order", number)] },
            OrderPaid p => new EmailContent($"Payment received for order {number}", "Payment received",
                ["Your payment went through. We are now preparing your shipment."])
            { Facts = [("Order", number), ("Amount", Money.Format(p.Amount, p.Currency)), ("Payment", p.PaymentId)] },
            OrderShipped s => new EmailContent($"Your order {number} is on its way", "Your order is on its way",
                ["Your parcel has been handed to our carrier."])
            { Facts = [("Order", number), ("Tracking number", s.TrackingNumber)] },
            OrderCompleted => new EmailContent($"Your order {number} is confirmed", "Your order is confirmed",
                ["Everything is in place: your order is paid, its items are set aside for you and the shipment is booked."])
            { Facts = [("Order", number)] },
            OrderDelivered => new EmailContent($"Your order {number} was delivered", "Delivered",
                ["Your order has been delivered. We hope you enjoy it!"])
            { Facts = [("Order", number)] },
            OrderCancelled c => new EmailContent($"Your order {number} was cancelled", "Your order was cancelled",
                [$"We are sorry: your order could not be completed. Reason: {c.Reason}",
                 c.Refunded ? "Your payment has been refunded to your card; it may take a few days to appear." : "You have not been charged."])
            { Facts = [("Order", number)] },
            _ => null,
        };
    }

    /// <summary>The short order number customers see: the first eight hex digits of the order id.</summary>
    public static string OrderNumber(Guid orderId) => "#" + orderId.ToString("N")[..8].ToUpperInvariant();
}
