using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Admin;

/// <summary>The events a subscriber could not handle (the dead-letter topic, as ordering keeps it), newest first, a page at a time.</summary>
public sealed class DeadLettersModel(ShopApi api, AccessTokenCookie token) : AdminPage(api, token)
{
    public const int PageSize = 50;

    /// <summary>How much of an event's JSON a row shows; the rest is cut with an ellipsis.</summary>
    private const int ShownMessage = 300;

    public PagedList<DeadLetter>? Letters { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (await IsAdminAsync(ct))
            Letters = Take(await Api.DeadLettersAsync(PageNumber, PageSize, ct));
        return Page();
    }

    public bool HasNext => Letters is { } l && (long)l.Page * l.PageSize < l.Total;

    public static string Shown(JsonElement message)
    {
        var json = message.ValueKind == JsonValueKind.Undefined ? "" : message.GetRawText();
        return json.Length <= ShownMessage ? json : json[..ShownMessage] + "…";
    }
}
