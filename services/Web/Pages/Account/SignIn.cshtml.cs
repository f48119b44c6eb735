using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Account;

/// <summary>Sign in: the API's access token goes into the HttpOnly cookie, never into the page.</summary>
public sealed class SignInModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var login = await Api.LoginAsync(Email, Password, ct);
        if (login.Value is not { } issued)
        {
            Problem = login.Problem;
            return Page();
        }
        Token.Set(issued);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/products");
    }
}
