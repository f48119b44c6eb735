namespace ShopDapr.Identity.Users;

/// <summary>What a password must be: 10 to 128 characters with a letter and a digit, and not the e-mail address.</summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 128;

    public static IReadOnlyList<string> Check(string password, string normalizedEmail)
    {
        var problems = new List<string>();
        if (password.Length < MinLength)
            problems.Add($"The password must be at least {MinLength} characters long.");
        if (password.Length > MaxLength)
            problems.Add($"The password must be at most {MaxLength} characters long.");
        if (!password.Any(char.IsLetter))
            problems.Add("The password must contain a letter.");
        if (!password.Any(char.IsDigit))
            problems.Add("The password must contain a digit.");
        if (string.Equals(password.Trim(), normalizedEmail, StringComparison.OrdinalIgnoreCase))
            problems.Add("The password must not be the e-mail address.");
        return problems;
    }
}
