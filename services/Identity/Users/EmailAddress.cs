using System.Net.Mail;
using System.Text;

namespace ShopDapr.Identity.Users;

/// <summary>E-mail syntax and the one normal form that makes addresses unique (trimmed, NFC, lower case).</summary>
public static class EmailAddress
{
    public const int MaxLength = 254;

    public static bool TryNormalize(string? email, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(email))
            return false;
        var candidate = email.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant();
        if (candidate.Length > MaxLength || candidate.Any(char.IsControl) || candidate.Any(char.IsWhiteSpace))
            return false;
        if (!MailAddress.TryCreate(candidate, out var parsed) || parsed.Address != candidate || !parsed.Host.Contains('.', StringComparison.Ordinal))
            return false;
        normalized = candidate;
        return true;
    }
}
