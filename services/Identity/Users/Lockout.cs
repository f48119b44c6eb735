namespace ShopDapr.Identity.Users;

/// <summary>Counting wrong passwords and locking an account for a while after too many in a row.</summary>
public static class Lockout
{
    public static bool IsLocked(UserAccount user, DateTimeOffset now, out TimeSpan remaining)
    {
        remaining = user.LockedUntil is { } until && until > now ? until - now : TimeSpan.Zero;
        return remaining > TimeSpan.Zero;
    }

    public static UserAccount RegisterFailure(UserAccount user, DateTimeOffset now, int maxFailures, TimeSpan duration)
    {
        var failures = user.FailedLogins + 1;
        return failures >= maxFailures
            ? user with { FailedLogins = 0, LockedUntil = now + duration }
            : user with { FailedLogins = failures };
    }

    public static UserAccount RegisterSuccess(UserAccount user) => user with { FailedLogins = 0, LockedUntil = null };
}
