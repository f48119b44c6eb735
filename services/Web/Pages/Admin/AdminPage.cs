using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Admin;

/// <summary>
/// An admin console page: it asks the API who is signed in and shows nothing but a problem to anyone not an admin (the
/// API refuses them anyway; a customer would otherwise see their own orders as if they were the shop's).
/// </summary>
public abstract class AdminPage(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    public static readonly ApiProblem NotAnAdmin =
        new("This needs an administrator", "The admin console is for the shop's staff. Sign in with an admin account.", 403, null);

    /// <summary>True for an admin; else records the problem (and its status) to show instead.</summary>
    protected async Task<bool> IsAdminAsync(CancellationToken ct)
    {
        var me = await Api.MeAsync(ct);
        if (me.Value is { IsAdmin: true })
            return true;
        Problem = me.Problem ?? NotAnAdmin;
        Response.StatusCode = Problem.Status ?? StatusCodes.Status403Forbidden;
        return false;
    }
}
