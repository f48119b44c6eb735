using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Identity;
using ShopDapr.Identity.Tokens;
using ShopDapr.Identity.Users;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Identity.Api;

/// <summary>
/// <c>/api/identity</c>: register, login (JWT), and who-am-i. A client that must wait before its next login try for an
/// e-mail address answers 429 with <c>Retry-After</c> (not 423: 423 is WebDAV's "resource locked", while 429 + Retry-After
/// is what HTTP clients and retry policies already honour); the lock is that client's only, never the account's.
/// </summary>
public static class IdentityApi
{
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/identity").WithTags("Identity");
        api.MapPost("/register", Register).AllowAnonymous();
        api.MapPost("/login", Login).AllowAnonymous();
        api.MapGet("/me", Me).RequireAuthorization();
        return routes;
    }

    public static async Task<Results<Created<RegisteredUser>, ValidationProblem, ProblemHttpResult>> Register(
        RegisterRequest request, AccountService accounts, CancellationToken cancellationToken)
    {
        if (RequestValidation.Malformed(request.Email, request.Password, request.Name, nameRequired: true, out var normalized) is { } malformed)
            return malformed;
        if (RequestValidation.RuleBroken(request.Password!, request.Name!, normalized) is { } broken)
            return broken;

        var (outcome, user) = await accounts.RegisterAsync(request.Email!, normalized, request.Password!, request.Name!,
            [ShopNames.Roles.Customer], cancellationToken);
        if (outcome == RegisterOutcome.EmailTaken)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The e-mail address is already registered");

        return TypedResults.Created((string?)null, new RegisteredUser(user.Id, user.Email, user.Name));
    }

    public static async Task<Results<Ok<AccessTokenResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, AccountService accounts, AccessTokenIssuer tokens, HttpContext http, CancellationToken cancellationToken)
    {
        if (RequestValidation.Malformed(request.Email, request.Password, null, nameRequired: false, out var normalized) is { } malformed)
            return malformed;

        switch (await accounts.LoginAsync(normalized, request.Password!, LoginClient.Of(http), cancellationToken))
        {
            case LoginOutcome.Success success:
                var (token, lifetime) = await tokens.IssueAsync(success.User, cancellationToken);
                return TypedResults.Ok(new AccessTokenResponse(token, "Bearer", (int)lifetime.TotalSeconds));
            case LoginOutcome.Throttled throttled:
                // The same answer whether or not the e-mail address has an account.
                http.Response.Headers.RetryAfter = RetryAfter.Header(throttled.RetryAfter);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many failed logins", detail: $"Too many wrong passwords from this client; try again in {RetryAfter.Words(throttled.RetryAfter)}.");
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
                    title: "Unauthorized", detail: "The e-mail address or password is wrong.");
        }
    }

    public static Ok<CurrentUser> Me(HttpContext http, CancellationToken cancellationToken)
    {
        var user = http.User;
        return TypedResults.Ok(new CurrentUser(
            user.FindFirst(ShopNames.ClaimTypes.Subject)?.Value ?? "",
            user.FindFirst(ShopNames.ClaimTypes.Email)?.Value,
            user.FindFirst(ShopNames.ClaimTypes.Name)?.Value,
            [.. user.FindAll(ShopNames.ClaimTypes.Role).Select(c => c.Value)]));
    }
}
