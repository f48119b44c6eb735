namespace ShopDapr.Identity.Users;

/// <summary>Wrong passwords in a row from one client for one e-mail address, and when that client may try again.</summary>
public sealed record LoginAttempts(int Failures, DateTimeOffset NotBefore);

/// <summary>How a client's wait grows with its wrong passwords for one account (from <see cref="IdentityOptions"/>).</summary>
public sealed record LoginThrottleRules(
    int FreeFailedLogins, TimeSpan FailedLoginDelay, int MaxFailedLogins, TimeSpan LockoutDuration, TimeSpan MaxLockoutDuration)
{
    public static LoginThrottleRules From(IdentityOptions o) =>
        new(o.FreeFailedLogins, o.FailedLoginDelay, o.MaxFailedLogins, o.LockoutDuration, o.MaxLockoutDuration);
}

/// <summary>
/// Login throttling per (account, client), never per account alone: a client that keeps guessing one account's password
/// waits longer and longer, then is locked out of that account, while the owner signs in from anywhere else. Unknown
/// e-mail addresses are throttled exactly like known ones, so the answers never tell them apart. Plain rules, no I/O.
/// </summary>
public static class LoginThrottle
{
    /// <summary>How long the client must still wait before its next try; zero when it may try now.</summary>
    public static TimeSpan Wait(LoginAttempts? attempts, DateTimeOffset now) =>
        attempts is not null && attempts.NotBefore > now ? attempts.NotBefore - now : TimeSpan.Zero;

    /// <summary>
    /// The attempts after one more failure. Counted BEFORE the password is checked (and undone by a success), so clients
    /// racing many guesses at once cannot get past the count: each guess must first win the write of its own failure.
    /// </summary>
    public static LoginAttempts CountFailure(LoginAttempts? attempts, DateTimeOffset now, LoginThrottleRules rules)
    {
        var failures = (attempts?.Failures ?? 0) + 1;
        return new LoginAttempts(failures, now + Delay(failures, rules));
    }

    /// <summary>
    /// After n failures in a row: nothing below <c>FreeFailedLogins</c>; then <c>FailedLoginDelay</c> doubling each time;
    /// from <c>MaxFailedLogins</c> a lock of <c>LockoutDuration</c>, doubling with each failure after it, up to
    /// <c>MaxLockoutDuration</c>.
    /// </summary>
    public static TimeSpan Delay(int failures, LoginThrottleRules rules)
    {
        if (failures >= rules.MaxFailedLogins)
            return Doubled(rules.LockoutDuration, failures - rules.MaxFailedLogins, rules.MaxLockoutDuration);
        if (failures >= rules.FreeFailedLogins)
            return Doubled(rules.FailedLoginDelay, failures - rules.FreeFailedLogins, rules.LockoutDuration);
        return TimeSpan.Zero;
    }

    private static TimeSpan Doubled(TimeSpan first, int times, TimeSpan cap) =>
        times >= 30 || first.Ticks * Math.Pow(2, times) >= cap.Ticks ? cap : TimeSpan.FromTicks(first.Ticks << times);
}
