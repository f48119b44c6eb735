using System.Security.Cryptography;
using ShopDapr.Identity.Tokens;
using ShopDapr.Identity.Users;

namespace ShopDapr.Identity.Tests;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("  Alice@Example.COM ", "alice@example.com")]
    [InlineData("bob.smith+shop@mail.example.org", "bob.smith+shop@mail.example.org")]
    public void Valid_addresses_normalise_to_one_form(string input, string expected)
    {
        Assert.True(EmailAddress.TryNormalize(input, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("Alice <alice@example.com>")]
    [InlineData("a b@example.com")]
    [InlineData("x'; DROP TABLE users;--@example.com")]
    public void Malformed_addresses_are_refused(string? input) => Assert.False(EmailAddress.TryNormalize(input, out _));

    [Fact]
    public void Overlong_address_is_refused() => Assert.False(EmailAddress.TryNormalize(new string('a', 250) + "@example.com", out _));
}

public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData("short1")]
    [InlineData("onlyletterslong")]
    [InlineData("1234567890123")]
    public void Weak_passwords_break_the_policy(string password) => Assert.NotEmpty(PasswordPolicy.Check(password, "a@example.com"));

    [Fact]
    public void Long_mixed_password_passes() => Assert.Empty(PasswordPolicy.Check("correct horse 42", "a@example.com"));

    [Fact]
    public void The_email_as_password_is_refused() => Assert.NotEmpty(PasswordPolicy.Check("alice1@example.com", "alice1@example.com"));
}

public sealed class LoginThrottleTests
{
    private static readonly LoginThrottleRules Rules = new(
        FreeFailedLogins: 3, FailedLoginDelay: TimeSpan.FromSeconds(1), MaxFailedLogins: 5,
        LockoutDuration: TimeSpan.FromMinutes(5), MaxLockoutDuration: TimeSpan.FromHours(1));

    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddDays(1);

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(5, 300)]
    [InlineData(6, 600)]
    [InlineData(7, 1200)]
    [InlineData(8, 2400)]
    [InlineData(9, 3600)]
    [InlineData(40, 3600)]
    public void The_wait_grows_with_failures_then_locks_and_doubles_up_to_the_cap(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LoginThrottle.Delay(failures, Rules));

    [Fact]
    public void Each_counted_failure_sets_when_the_client_may_try_again()
    {
        LoginAttempts? attempts = null;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TimeSpan.Zero, LoginThrottle.Wait(attempts, Now));
            attempts = LoginThrottle.CountFailure(attempts, Now, Rules);
        }
        Assert.Equal(TimeSpan.FromSeconds(1), LoginThrottle.Wait(attempts, Now));
        attempts = LoginThrottle.CountFailure(attempts, Now.AddSeconds(1), Rules);
        Assert.Equal(4, attempts.Failures);
        Assert.Equal(TimeSpan.FromSeconds(2), LoginThrottle.Wait(attempts, Now.AddSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(1), LoginThrottle.Wait(attempts, Now.AddSeconds(2)));
        Assert.Equal(TimeSpan.Zero, LoginThrottle.Wait(attempts, Now.AddSeconds(3)));
    }

    [Fact]
    public void The_fifth_failure_locks_the_client_for_the_lockout_duration()
    {
        var attempts = LoginThrottle.CountFailure(new LoginAttempts(4, Now), Now, Rules);
        Assert.Equal(TimeSpan.FromMinutes(4), LoginThrottle.Wait(attempts, Now.AddMinutes(1)));
    }

    [Fact]
    public void Pairs_differ_by_client_and_by_email_and_keep_neither_in_the_clear()
    {
        var key = LoginAttemptStore.Key("a@example.com", "203.0.113.7");
        Assert.NotEqual(key, LoginAttemptStore.Key("a@example.com", "198.51.100.1"));
        Assert.NotEqual(key, LoginAttemptStore.Key("b@example.com", "203.0.113.7"));
        Assert.DoesNotContain("example", key, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0", key, StringComparison.Ordinal);
    }
}

public sealed class SigningKeyTests
{
    [Fact]
    public void Ecdsa_key_signs_es256_with_a_stable_thumbprint_kid_and_publishes_no_private_part()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = ec.ExportPkcs8PrivateKeyPem();
        using var first = SigningKey.FromPem(pem);
        using var second = SigningKey.FromPem(pem);
        Assert.Equal("ES256", first.Credentials.Algorithm);
        Assert.Equal(first.PublicJwk.KeyId, second.PublicJwk.KeyId);
        Assert.Equal(first.Credentials.Key.KeyId, first.PublicJwk.KeyId);
        Assert.Null(first.PublicJwk.D);
        Assert.Equal("P-256", first.PublicJwk.Crv);
    }

    [Fact]
    public void Rsa_key_signs_rs256()
    {
        using var rsa = RSA.Create(2048);
        using var key = SigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem());
        Assert.Equal("RS256", key.Credentials.Algorithm);
        Assert.Null(key.PublicJwk.D);
        Assert.NotNull(key.PublicJwk.N);
    }
}
