using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Admin;

/// <summary>Every order (admin), newest first, filtered by status on the page shown.</summary>
public sealed class OrdersModel(ShopApi api, AccessTokenCookie token) : AdminPage(api, token)
{
    public static readonly string[] Statuses =
        ["Submitted", "AwaitingApproval", "StockReserved", "Paid", "Completed", "Delivered", "Cancelled"];

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    /// <summary>The <c>page</c> query value (read by hand: Razor Pages keeps the name <c>page</c> for its own route value).</summary>

    public PagedList<Order>? Orders { get; private set; }

    public IReadOnlyList<Order> Shown => Orders?.Items.Where(o => string.IsNullOrEmpty(Status) || o.Status == Status).ToList() ?? [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (await IsAdminAsync(ct))
            Orders = Take(await Api.OrdersAsync(Math.Max(1, PageNumber), 100, ct));
        return Page();
    }

    public string Link(int page) => $"/admin/orders?status={Uri.EscapeDataString(Status ?? "")}&page={page}";
}
