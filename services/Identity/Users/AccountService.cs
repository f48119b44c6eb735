using Microsoft.AspNetCore.Identity;
using ShopDapr.Contracts.Identity;
using Microsoft.Extensions.Options;

namespace ShopDapr.Identity.Users;

public enum RegisterOutcome { Created, EmailTaken }

public abstract record LoginOutcome
{
    public sealed record Success(UserAccount User) : LoginOutcome;
    public sealed record BadCredentials : LoginOutcome;

    /// <summary>This client tried this e-mail address too often: it must wait (known and unknown addresses alike).</summary>
    public sealed record Throttled(TimeSpan RetryAfter) : LoginOutcome;
}

/// <summary>Registration and password checks over <see cref="UserStore"/>; input is already validated.</summary>
public sealed partial class AccountService(
    UserStore users,
    LoginAttemptStore attempts,
    IPasswordHasher<UserAccount> hasher,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    private const int UpdateAttempts = 5;
    private static readonly UserAccount Nobody = new()
    {
        Id = "", Email = "", NormalizedEmail = "", Name = "", PasswordHash = "", Roles = [], CreatedAt = default,
    };

    private readonly string _dummyHash = hasher.HashPassword(Nobody, Guid.NewGuid().ToString());

    public async Task<(RegisterOutcome Outcome, UserAccount User)> RegisterAsync(
        string email, string normalizedEmail, string password, string name, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var user = new UserAccount
        {
            Id = Guid.NewGuid().ToString("N"),
            Email = email.Trim(),
            NormalizedEmail = normalizedEmail,
            Name = name.Trim(),
            PasswordHash = "",
            Roles = roles,
            CreatedAt = time.GetUtcNow(),
        };
        user = user with { PasswordHash = hasher.HashPassword(user, password) };
        var created = await users.TryCreateAsync(user, new UserRegistered(user.Id, user.Email, user.Name, user.CreatedAt), cancellationToken);
        return (created ? RegisterOutcome.Created : RegisterOutcome.EmailTaken, user);
    }

    /// <summary>
    /// One login attempt of <paramref name="client"/> (its IP address) for <paramref name="normalizedEmail"/>. The same
    /// steps and the same work whether or not the address has an account: the pair's throttle is checked and this attempt
    /// counted as a failure first, then exactly one password hash is verified (a dummy one for an unknown address), and a
    /// success clears the pair's count. Another client's failures never delay this one.
    /// </summary>
    public async Task<LoginOutcome> LoginAsync(string normalizedEmail, string password, string client, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var rules = LoginThrottleRules.From(o);
        var key = LoginAttemptStore.Key(normalizedEmail, client);
        LoginAttempts? counted = null;
        for (var attempt = 0; attempt < UpdateAttempts && counted is null; attempt++)
        {
            var (current, countETag) = await attempts.GetAsync(key, cancellationToken);
            var now = time.GetUtcNow();
            var wait = LoginThrottle.Wait(current, now);
            if (wait > TimeSpan.Zero)
                return new LoginOutcome.Throttled(wait);
            var next = LoginThrottle.CountFailure(current, now, rules);
            if (await attempts.TrySaveAsync(key, next, countETag, next.NotBefore - now + o.FailedLoginMemory, cancellationToken))
                counted = next;
            // else a concurrent attempt of this pair counted first: read its count and decide again
        }
        if (counted is null)
            return new LoginOutcome.Throttled(o.FailedLoginDelay); // this pair is racing itself: it waits, like any other fast guesser

        var (user, etag) = await users.FindByEmailAsync(normalizedEmail, cancellationToken);
        PasswordVerificationResult verdict;
        if (user is null)
        {
            hasher.VerifyHashedPassword(Nobody, _dummyHash, password); // the same work as a real check: no probing by timing
            verdict = PasswordVerificationResult.Failed;
        }
        else
        {
            verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        }
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            if (counted.Failures == o.MaxFailedLogins)
                LogClientLockedOut(logger, key);
            return new LoginOutcome.BadCredentials();
        }

        await attempts.DeleteAsync(key, cancellationToken);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehashed = user with { PasswordHash = hasher.HashPassword(user, password) };
            if (await users.TryUpdateAsync(rehashed, etag, cancellationToken))
                user = rehashed; // else changed meanwhile: the next login rehashes
        }
        return new LoginOutcome.Success(user);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A client is locked out of an account after repeated wrong passwords ({AttemptsKey})")]
    private static partial void LogClientLockedOut(ILogger logger, string attemptsKey);
}
