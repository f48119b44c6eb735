using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Admin;

/// <summary>Shipped orders (status Completed) on the newest page of orders, each to mark delivered.</summary>
public sealed class ShipmentsModel(ShopApi api, AccessTokenCookie token) : AdminPage(api, token)
{
    public IReadOnlyList<Order> Shipped { get; private set; } = [];

    [TempData] public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (await IsAdminAsync(ct))
            await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeliveredAsync(Guid orderId, CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        var delivered = await Api.MarkDeliveredAsync(orderId, ct);
        if (delivered.Ok)
        {
            Notice = $"Order {orderId.ToString()[..8]} is marked delivered.";
            return Redirect("/admin/shipments");
        }
        Problem = delivered.Problem;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Shipped = Take(await Api.OrdersAsync(1, 100, ct))?.Items.Where(o => o.Status == "Completed").ToList() ?? [];
}
