namespace ShopDapr.Web.Shop;

/// <summary>
/// The customer's access token, kept in a cookie the browser's scripts cannot read (HttpOnly), sent only by this site's
/// own pages (SameSite=Strict), and only over HTTPS when the page came over HTTPS — to this app or, as the gateway's
/// X-Forwarded-Proto says, to the gateway in front of it. It expires with the token.
/// </summary>
public sealed class AccessTokenCookie(IHttpContextAccessor accessor)
{
    public const string Name = "shop_token";

    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No request is being handled.");

    private string? _issued;

    /// <summary>The token of this request: one just issued (sign-in), else the cookie's.</summary>
    public string? Value => _issued ?? (Http.Request.Cookies.TryGetValue(Name, out var value) && value.Length > 0 ? value : null);

    public bool SignedIn => Value is not null;

    /// <summary>A forged header could only make the cookie stricter, never looser.</summary>
    private bool CameOverHttps =>
        Http.Request.IsHttps || string.Equals(Http.Request.Headers["X-Forwarded-Proto"], "https", StringComparison.OrdinalIgnoreCase);

    public void Set(IssuedToken token)
    {
        _issued = token.AccessToken;
        Http.Response.Cookies.Append(Name, token.AccessToken, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = CameOverHttps,
            Path = "/",
            MaxAge = TimeSpan.FromSeconds(Math.Max(60, token.ExpiresIn)),
            IsEssential = true,
        });
    }

    public void Clear()
    {
        _issued = null;
        Http.Response.Cookies.Delete(Name, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = CameOverHttps });
    }
}
