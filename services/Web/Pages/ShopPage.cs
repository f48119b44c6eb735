using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages;

/// <summary>What every page shares: the API client, the signed-in state, and the problem to show, if any.</summary>
public abstract class ShopPage(ShopApi api, AccessTokenCookie token) : PageModel
{
    protected ShopApi Api { get; } = api;

    protected AccessTokenCookie Token { get; } = token;

    public bool SignedIn => Token.SignedIn;

    /// <summary>The list page asked for (<c>?page=</c>); 1 when absent, not a number, or below 1.</summary>
    public int PageNumber => int.TryParse(Request.Query["page"], out var n) && n > 0 ? n : 1;

    /// <summary>The API's problem from this request, shown in words at the top of the page.</summary>
    public ApiProblem? Problem { get; protected set; }

    /// <summary>Keeps the value, or records the problem and returns default.</summary>
    protected T? Take<T>(ApiResult<T> result)
    {
        Problem ??= result.Problem;
        return result.Value;
    }

    /// <summary>Sends an anonymous visitor to sign in, coming back here afterwards.</summary>
    protected IActionResult SignInFirst() =>
        RedirectToPage("/Account/SignIn", new { returnUrl = Request.Path + Request.QueryString });

    /// <summary>A moment as the admin console writes it: UTC, to the minute.</summary>
    public static string When(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Money(decimal amount, string currency = "USD") =>
        string.Create(CultureInfo.InvariantCulture, $"{amount:N2} {currency}");
}
