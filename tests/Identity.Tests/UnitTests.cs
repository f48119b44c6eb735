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

public sealed class LockoutTests
{
    private static readonly UserAccount User = new()
    {
        Id = "u1", Email = "a@example.com", NormalizedEmail = "a@example.com", Name = "A", PasswordHash = "h", Roles = ["customer"], CreatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Third_failure_of_three_locks_for_the_duration()
    {
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        var user = User;
        for (var i = 0; i < 2; i++)
            user = Lockout.RegisterFailure(user, now, 3, TimeSpan.FromMinutes(5));
        Assert.False(Lockout.IsLocked(user, now, out _));
        user = Lockout.RegisterFailure(user, now, 3, TimeSpan.FromMinutes(5));
        Assert.True(Lockout.IsLocked(user, now.AddMinutes(1), out var remaining));
        Assert.Equal(TimeSpan.FromMinutes(4), remaining);
        Assert.False(Lockout.IsLocked(user, now.AddMinutes(5), out _));
    }

    [Fact]
    public void Success_clears_the_count() => Assert.Equal(0, Lockout.RegisterSuccess(User with { FailedLogins = 2 }).FailedLogins);
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
