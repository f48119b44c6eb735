using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Account;

/// <summary>Sign up, then sign in at once.</summary>
public sealed class SignUpModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var registered = await Api.RegisterAsync(Email, Password, Name, ct);
        if (!registered.Ok)
        {
            Problem = registered.Problem;
            return Page();
        }
        var login = await Api.LoginAsync(Email, Password, ct);
        if (login.Value is not { } issued)
        {
            Problem = login.Problem;
            return Page();
        }
        Token.Set(issued);
        return Redirect("/products");
    }
}
