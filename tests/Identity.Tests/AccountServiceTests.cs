using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using ShopDapr.Identity.Users;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

/// <summary>
/// Login over the real stores on a real dev sidecar (one per test): the same work for known and unknown e-mails, and a
/// racing client counted per guess.
/// </summary>
public sealed class AccountServiceTests : IAsyncLifetime
{
    private readonly IPasswordHasher<UserAccount> _hasher = Substitute.For<IPasswordHasher<UserAccount>>();
    private DevDapr _dapr = null!;
    private AccountService _accounts = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _dapr = await DevDapr.StartAsync(ShopNames.AppIds.Identity, Ct);
        _hasher.HashPassword(Arg.Any<UserAccount>(), Arg.Any<string>()).Returns(ci => "hash:" + ci.ArgAt<string>(1));
        _hasher.VerifyHashedPassword(Arg.Any<UserAccount>(), Arg.Any<string>(), Arg.Any<string>())
            .Returns(ci => ci.ArgAt<string>(1) == "hash:" + ci.ArgAt<string>(2) ? PasswordVerificationResult.Success : PasswordVerificationResult.Failed);
        _accounts = new AccountService(new UserStore(_dapr.Client), new LoginAttemptStore(_dapr.Client), _hasher,
            Options.Create(new IdentityOptions()), TimeProvider.System, NullLogger<AccountService>.Instance);
    }

    public async ValueTask DisposeAsync() => await _dapr.DisposeAsync();

    [Theory]
    [InlineData("known@example.com")]
    [InlineData("unknown@example.com")]
    public async Task A_wrong_password_costs_exactly_one_hash_check_whether_or_not_the_email_exists(string email)
    {
        await _accounts.RegisterAsync("known@example.com", "known@example.com", "Secret-pass-1", "Known", ["customer"], Ct);
        _hasher.ClearReceivedCalls();
        var outcome = await _accounts.LoginAsync(email, "Wrong-pass-1", "203.0.113.66", Ct);
        Assert.IsType<LoginOutcome.BadCredentials>(outcome);
        _hasher.Received(1).VerifyHashedPassword(Arg.Any<UserAccount>(), Arg.Any<string>(), "Wrong-pass-1");
        _hasher.DidNotReceive().HashPassword(Arg.Any<UserAccount>(), Arg.Any<string>());
    }

    [Fact]
    public async Task Guesses_raced_in_parallel_from_one_client_are_each_counted_so_at_most_the_free_ones_are_checked()
    {
        await _accounts.RegisterAsync("race@example.com", "race@example.com", "Secret-pass-1", "Race", ["customer"], Ct);
        _hasher.ClearReceivedCalls();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => _accounts.LoginAsync("race@example.com", $"Guess-{i}-pass", "203.0.113.66", Ct), Ct)));
        var checkedGuesses = _hasher.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(IPasswordHasher<UserAccount>.VerifyHashedPassword));
        Assert.Equal(outcomes.Count(o => o is LoginOutcome.BadCredentials), checkedGuesses);
        // Each guess must first write its own count: the free tries (3) pass, the 3rd sets a wait, every later guess waits.
        Assert.Equal(new IdentityOptions().FreeFailedLogins, checkedGuesses);
        Assert.All(outcomes.Where(o => o is not LoginOutcome.BadCredentials), o => Assert.IsType<LoginOutcome.Throttled>(o));
    }
}
