using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Admin;

/// <summary>One order (admin): its event history, and approve / reject with a reason when it is held.</summary>
public sealed class OrderModel(ShopApi api, AccessTokenCookie token) : AdminPage(api, token)
{
    public Order? Order { get; private set; }

    public IReadOnlyList<OrderHistoryEntry> History { get; private set; } = [];

    [BindProperty] public string? Reason { get; set; }

    /// <summary>What the last decision did, shown once the page reloads.</summary>
    [TempData] public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (await IsAdminAsync(ct))
            await LoadAsync(id, ct);
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(Guid id, CancellationToken ct) => DecideAsync(id, approved: true, ct);

    public Task<IActionResult> OnPostRejectAsync(Guid id, CancellationToken ct) => DecideAsync(id, approved: false, ct);

    private async Task<IActionResult> DecideAsync(Guid id, bool approved, CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        var decided = await Api.DecideAsync(id, approved, string.IsNullOrWhiteSpace(Reason) ? null : Reason, ct);
        if (decided.Ok)
        {
            Notice = approved ? "Approved: the order goes on." : "Rejected: the order is being cancelled.";
            return Redirect($"/admin/orders/{id}");
        }
        Problem = decided.Problem;
        await LoadAsync(id, ct);
        return Page();
    }

    private async Task LoadAsync(Guid id, CancellationToken ct)
    {
        Order = Take(await Api.OrderAsync(id, ct));
        if (Order is not null)
            History = Take(await Api.HistoryAsync(id, ct)) ?? [];
    }
}
