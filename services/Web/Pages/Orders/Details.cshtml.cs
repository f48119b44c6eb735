using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Orders;

/// <summary>
/// One order: its lines, its status as the checkout saga moves it, and its history. A small script follows the status
/// (short polling of <see cref="OnGetStatusAsync"/>) while the saga runs; without scripts the page says to reload.
/// </summary>
public sealed class DetailsModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    public Order? Order { get; private set; }

    public IReadOnlyList<OrderHistoryEntry> History { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        Order = Take(await Api.OrderAsync(id, ct));
        if (Order is not null)
            History = Take(await Api.HistoryAsync(id, ct)) ?? [];
        else if (Problem?.Status is { } status)
            Response.StatusCode = status;
        return Page();
    }

    /// <summary>The status alone, as JSON, for the page's polling script.</summary>
    public async Task<IActionResult> OnGetStatusAsync(Guid id, CancellationToken ct)
    {
        var order = await Api.OrderAsync(id, ct);
        return order.Value is { } o
            ? new JsonResult(new { status = o.Status, inProgress = o.InProgress, reason = o.CancellationReason })
            : StatusCode(order.Problem?.Status ?? StatusCodes.Status502BadGateway);
    }
}
