using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages;

/// <summary>The orders table: which orders, and where each links (the customer's or the admin's order page).</summary>
public sealed record OrderTableView(IReadOnlyList<Order> Orders, string LinkBase);
