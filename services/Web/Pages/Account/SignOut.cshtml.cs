using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Account;

/// <summary>Sign out: forgets the token cookie (a POST with the antiforgery token, so no other site can sign you out).</summary>
public sealed class SignOutModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    public IActionResult OnGet() => Redirect("/products");

    public IActionResult OnPost()
    {
        Token.Clear();
        return Redirect("/products");
    }
}
