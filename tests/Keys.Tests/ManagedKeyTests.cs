using ShopDapr.Keys.Domain;

namespace ShopDapr.Keys.Tests;

public sealed class ManagedKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ManagedKey NewKey(KeyType type = KeyType.Aes256Gcm) => ManagedKey.Create("orders", type, null, KeyMaterial.Generate(type), Now);

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("-leading-dash")]
    [InlineData("_internal")]
    [InlineData("audit")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    public void Bad_names_are_malformed(string name) =>
        Assert.Equal(KeyError.Malformed, Assert.Throws<KeyRuleException>(() => ManagedKey.CheckName(name)).Error);

    [Theory]
    [InlineData("aes256-gcm", KeyType.Aes256Gcm)]
    [InlineData("ecdsa-p256", KeyType.EcdsaP256)]
    [InlineData("rsa-3072-pss", KeyType.Rsa3072Pss)]
    [InlineData("hmac-sha256", KeyType.HmacSha256)]
    public void Type_names_round_trip(string name, KeyType type)
    {
        Assert.Equal(type, KeyTypes.Parse(name));
        Assert.Equal(name, type.Name());
    }

    [Fact]
    public void Unknown_type_names_parse_to_nothing() => Assert.Null(KeyTypes.Parse("des"));

    [Fact]
    public void Rotation_adds_a_version_that_becomes_the_latest()
    {
        var key = NewKey().Rotate(KeyMaterial.Generate(KeyType.Aes256Gcm), Now.AddDays(1));
        Assert.Equal([1, 2], key.Versions.Select(v => v.Version));
        Assert.Equal(2, key.ForUse("encrypt").Version);
        Assert.NotEqual(key.Versions[0].Material, key.Versions[1].Material);
    }

    [Fact]
    public void A_disabled_key_neither_rotates_nor_is_used_and_the_refusal_names_the_state()
    {
        var key = NewKey().Disable();
        var refused = Assert.Throws<KeyRuleException>(() => key.ForUse("encrypt"));
        Assert.Equal((KeyError.WrongState, KeyState.Disabled), (refused.Error, refused.State));
        Assert.Equal(KeyError.WrongState, Assert.Throws<KeyRuleException>(() => key.Rotate([], Now)).Error);
        Assert.Equal(KeyState.Enabled, key.Enable().State);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(31)]
    [InlineData(0)]
    public void Deletion_windows_outside_7_to_30_days_are_malformed(int days) =>
        Assert.Equal(KeyError.Malformed, Assert.Throws<KeyRuleException>(() => NewKey().ScheduleDeletion(days, Now)).Error);

    [Fact]
    public void Pending_deletion_is_cancellable_until_its_date_and_then_the_material_is_gone()
    {
        var pending = NewKey().ScheduleDeletion(7, Now);
        Assert.Equal((KeyState.PendingDeletion, Now.AddDays(7)), (pending.State, pending.DeletionDate));
        Assert.Equal(KeyState.PendingDeletion, pending.AsOf(Now.AddDays(7).AddTicks(-1)).State);
        Assert.Equal(KeyError.WrongState, Assert.Throws<KeyRuleException>(() => pending.ForUse("encrypt")).Error);
        Assert.Equal(KeyError.WrongState, Assert.Throws<KeyRuleException>(() => pending.Enable()).Error);

        var cancelled = pending.CancelDeletion();
        Assert.Equal((KeyState.Disabled, (DateTimeOffset?)null), (cancelled.State, cancelled.DeletionDate));

        var destroyed = pending.AsOf(Now.AddDays(7));
        Assert.Equal(KeyState.Destroyed, destroyed.State);
        Assert.All(destroyed.Versions, v => Assert.Null(v.Material));
        Assert.Equal(KeyError.WrongState, Assert.Throws<KeyRuleException>(() => destroyed.CancelDeletion()).Error);
    }

    [Fact]
    public void Min_decryption_version_must_name_an_existing_version()
    {
        var key = NewKey().Rotate(KeyMaterial.Generate(KeyType.Aes256Gcm), Now);
        Assert.Equal(2, key.Configure(2, null).MinDecryptionVersion);
        Assert.Equal(KeyError.Malformed, Assert.Throws<KeyRuleException>(() => key.Configure(3, null)).Error);
        Assert.Equal(KeyError.Malformed, Assert.Throws<KeyRuleException>(() => key.Configure(0, null)).Error);
        Assert.Equal(["Retired", "Active"], key.Configure(2, null).Versions.Select(v => key.Configure(2, null).VersionState(v)));
    }

    [Fact]
    public void A_rotation_period_makes_rotation_due_once_the_latest_version_is_that_old()
    {
        var key = NewKey().Configure(null, TimeSpan.FromDays(30));
        Assert.False(key.RotationDue(Now.AddDays(30).AddTicks(-1)));
        Assert.True(key.RotationDue(Now.AddDays(30)));
        Assert.False(key.Disable().RotationDue(Now.AddDays(31)));
        Assert.Null(key.Configure(null, TimeSpan.Zero).RotationPeriod);
    }

    private static ManagedKey NewSigningKey(KeyType type = KeyType.EcdsaP256) =>
        NewKey(type).AnnounceNext(() => KeyMaterial.Generate(type), Now);

    [Theory]
    [InlineData(KeyType.EcdsaP256)]
    [InlineData(KeyType.Rsa3072Pss)]
    public void A_signing_key_announces_a_next_version_that_is_published_and_verifies_but_never_signs(KeyType type)
    {
        var key = NewSigningKey(type);
        Assert.Equal((1, 2), (key.LatestVersion, key.Next!.Version));
        Assert.Equal([1, 2], key.LiveVersions.Select(v => v.Version));
        Assert.Equal(["Active", "Next"], key.AllVersions.Select(key.VersionState));
        Assert.Equal([KeyOperations.KeyId("orders", 1), KeyOperations.KeyId("orders", 2)], KeyOperations.PublicKeys(key).Select(k => k.Kid));
        Assert.Equal(1, KeyOperations.Sign(key, "payload"u8).Version);
        Assert.Same(key.Next, key.ForReading(2, "verify"));
    }

    [Fact]
    public void A_rotation_promotes_the_announced_version_and_announces_a_new_one()
    {
        var key = NewSigningKey();
        var announced = key.Next!;
        var rotated = key.Rotate(KeyMaterial.Generate(KeyType.EcdsaP256), Now.AddDays(1));
        Assert.Equal((2, 3), (rotated.LatestVersion, rotated.Next!.Version));
        Assert.Same(announced.Material, rotated.Latest.Material); // the published key is the one that now signs
        Assert.Equal((Now, Now.AddDays(1)), (rotated.Latest.CreatedAt, rotated.Latest.InUseSince));
        Assert.Equal(2, KeyOperations.Sign(rotated, "payload"u8).Version);
        Assert.Equal([1, 2, 3], KeyOperations.PublicKeys(rotated).Select(k => VersionedKid(k.Kid)));
        Assert.Equal([2, 3], KeyOperations.PublicKeys(rotated.Configure(2, null)).Select(k => VersionedKid(k.Kid)));
        // The next version is no version to retire up to: it has never signed.
        Assert.Equal(KeyError.Malformed, Assert.Throws<KeyRuleException>(() => rotated.Configure(3, null)).Error);
    }

    [Fact]
    public void Rotation_is_due_a_period_after_the_latest_version_began_signing_not_after_it_was_announced()
    {
        var rotated = NewSigningKey().Configure(null, TimeSpan.FromDays(30)).Rotate(KeyMaterial.Generate(KeyType.EcdsaP256), Now.AddDays(30));
        Assert.False(rotated.RotationDue(Now.AddDays(60).AddTicks(-1)));
        Assert.True(rotated.RotationDue(Now.AddDays(60)));
    }

    [Fact]
    public void A_signing_key_stored_without_a_next_version_keeps_working_and_gets_one_announced_or_on_rotation()
    {
        var stored = NewKey(KeyType.EcdsaP256); // as keys stored signing keys before they announced next versions
        Assert.True(stored.LacksNext);
        Assert.Equal(1, KeyOperations.Sign(stored, "payload"u8).Version);
        Assert.Equal(2, stored.AnnounceNext(() => KeyMaterial.Generate(KeyType.EcdsaP256), Now).Next!.Version);

        var rotated = stored.Rotate(KeyMaterial.Generate(KeyType.EcdsaP256), Now);
        Assert.Equal((2, true), (rotated.LatestVersion, rotated.LacksNext));
        Assert.Equal(3, rotated.AnnounceNext(() => KeyMaterial.Generate(KeyType.EcdsaP256), Now).Next!.Version);
    }

    [Theory]
    [InlineData(KeyType.Aes256Gcm)]
    [InlineData(KeyType.HmacSha256)]
    public void A_symmetric_key_announces_nothing(KeyType type)
    {
        var key = NewKey(type).AnnounceNext(() => throw new InvalidOperationException("no material is made"), Now);
        Assert.Null(key.Next);
        Assert.False(key.LacksNext);
    }

    [Fact]
    public void Destroying_a_key_destroys_its_next_version_too()
    {
        var destroyed = NewSigningKey().ScheduleDeletion(7, Now).AsOf(Now.AddDays(7));
        Assert.Null(destroyed.Next!.Material);
        Assert.Empty(KeyOperations.PublicKeys(destroyed));
        Assert.False(destroyed.LacksNext);
    }

    private static int VersionedKid(string kid) => int.Parse(kid[(kid.LastIndexOf(":v", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("12h", 12 * 60)]
    [InlineData("30d", 30 * 24 * 60)]
    [InlineData("1h", 60)]
    public void Rotation_periods_parse_and_format(string text, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), RotationPeriods.Parse(text));
        Assert.Equal(text, RotationPeriods.Format(TimeSpan.FromMinutes(minutes)));
    }

    [Theory]
    [InlineData("30m")]
    [InlineData("366d")]
    [InlineData("d")]
    [InlineData("-1d")]
    [InlineData("P30D")]
    public void Bad_rotation_periods_are_malformed(string text) =>
        Assert.Equal(KeyError.Malformed, Assert.Throws<KeyRuleException>(() => RotationPeriods.Parse(text)).Error);
}
