using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Admin;

/// <summary>The keys app's keys (type, state, versions, rotation period) and whether its audit chain verifies; one key's versions.</summary>
public sealed class KeysModel(ShopApi api, AccessTokenCookie token) : AdminPage(api, token)
{
    [BindProperty(SupportsGet = true)] public string? Key { get; set; }

    public IReadOnlyList<KeyInfo>? Keys { get; private set; }

    public KeyInfo? Selected { get; private set; }

    public AuditVerification? Audit { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (!await IsAdminAsync(ct))
            return Page();
        var keys = Api.KeysAsync(ct);
        var audit = Api.VerifyAuditAsync(ct);
        var selected = string.IsNullOrWhiteSpace(Key) ? null : Api.KeyAsync(Key.Trim(), ct);
        Keys = Take(await keys)?.Items;
        Audit = Take(await audit);
        if (selected is not null)
            Selected = Take(await selected);
        return Page();
    }

    public static string Rotation(KeyInfo key) => key.RotationPeriod is { Length: > 0 } period and not "0" ? $"every {period}" : "manual";
}
