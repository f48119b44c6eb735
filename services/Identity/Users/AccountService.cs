using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ShopDapr.Identity.Users;

public enum RegisterOutcome { Created, EmailTaken }

public abstract record LoginOutcome
{
    public sealed record Success(UserAccount User) : LoginOutcome;
    public sealed record BadCredentials : LoginOutcome;
    public sealed record LockedOut(TimeSpan RetryAfter) : LoginOutcome;
}

/// <summary>Registration and password checks over <see cref="UserStore"/>; input is already validated.</summary>
public sealed partial class AccountService(
    UserStore users,
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
        var created = await users.TryCreateAsync(user, cancellationToken);
        return (created ? RegisterOutcome.Created : RegisterOutcome.EmailTaken, user);
    }

    public async Task<LoginOutcome> LoginAsync(string normalizedEmail, string password, CancellationToken cancellationToken)
    {
        var o = options.Value;
        for (var attempt = 0; attempt < UpdateAttempts; attempt++)
        {
            var (user, etag) = await users.FindByEmailAsync(normalizedEmail, cancellationToken);
            if (user is null)
            {
                hasher.VerifyHashedPassword(Nobody, _dummyHash, password); // same work as a real check: no e-mail probing by timing
                return new LoginOutcome.BadCredentials();
            }
            var now = time.GetUtcNow();
            if (Lockout.IsLocked(user, now, out var remaining))
                return new LoginOutcome.LockedOut(remaining);

            var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
            if (verdict == PasswordVerificationResult.Failed)
            {
                var failed = Lockout.RegisterFailure(user, now, o.MaxFailedLogins, o.LockoutDuration);
                if (!await users.TryUpdateAsync(failed, etag, cancellationToken))
                    continue; // a concurrent attempt changed the count: count this one again on fresh state
                if (failed.LockedUntil is not null)
                    LogLockedOut(logger, user.Id);
                return new LoginOutcome.BadCredentials();
            }

            var ok = Lockout.RegisterSuccess(user);
            if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
                ok = ok with { PasswordHash = hasher.HashPassword(ok, password) };
            if (ok != user && !await users.TryUpdateAsync(ok, etag, cancellationToken))
                continue;
            return new LoginOutcome.Success(ok);
        }
        throw new InvalidOperationException($"The account changed concurrently {UpdateAttempts} times in a row.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {UserId} locked after repeated wrong passwords")]
    private static partial void LogLockedOut(ILogger logger, string userId);
}
