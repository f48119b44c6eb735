using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Identity.Users;

namespace ShopDapr.Identity.Api;

/// <summary>Input checks: a malformed field is a 400, a broken rule (weak password, too long a name) is a 422.</summary>
internal static class RequestValidation
{
    public const int MaxNameLength = 100;

    public static ValidationProblem? Malformed(string? email, string? password, string? name, bool nameRequired, out string normalizedEmail)
    {
        var errors = new Dictionary<string, string[]>();
        if (!EmailAddress.TryNormalize(email, out normalizedEmail))
            errors["email"] = ["A valid e-mail address is required."];
        if (string.IsNullOrEmpty(password))
            errors["password"] = ["A password is required."];
        if (nameRequired && string.IsNullOrWhiteSpace(name))
            errors["name"] = ["A name is required."];
        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors, title: "The request is malformed");
    }

    public static ProblemHttpResult? RuleBroken(string password, string name, string normalizedEmail)
    {
        var errors = new Dictionary<string, string[]>();
        var passwordProblems = PasswordPolicy.Check(password, normalizedEmail);
        if (passwordProblems.Count > 0)
            errors["password"] = [.. passwordProblems];
        if (name.Trim().Length > MaxNameLength || name.Any(char.IsControl))
            errors["name"] = [$"The name must be at most {MaxNameLength} printable characters."];
        return errors.Count == 0
            ? null
            : TypedResults.Problem(new HttpValidationProblemDetails(errors)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The request breaks a rule",
            });
    }
}
