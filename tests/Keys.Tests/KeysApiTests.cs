using System.Net;
using System.Net.Http.Json;
using ShopDapr.Contracts.Keys;
using ShopDapr.Testing;
using static ShopDapr.Keys.Tests.KeysFactory;

namespace ShopDapr.Keys.Tests;

public sealed class KeysApiTests : IAsyncLifetime
{
    private KeysFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await KeysFactory.StartAsync(Ct);
        _app.Admin();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_admin_creates_uses_rotates_and_retires_a_key()
    {
        var created = await _app.CreateKeyAsync("cards", "aes256-gcm", Ct, rotationPeriod: "30d");
        Assert.Equal(("cards", "aes256-gcm", "Enabled", 1, 1, "30d"), (created.Name, created.Type, created.State, created.LatestVersion, created.MinDecryptionVersion, created.RotationPeriod));
        Assert.Equal("Active", Assert.Single(created.Versions).State);

        var v1 = await _app.PostOkAsync<EncryptResponse>(Path("cards", "encrypt"), new { plaintext = B64("4242"), associatedData = B64("tok_1") }, Ct);
        Assert.Equal(1, v1.Version);

        var rotated = await _app.PostOkAsync<KeyView>(Path("cards", "rotate"), new { }, Ct);
        Assert.Equal(2, rotated.LatestVersion);
        var v2 = await _app.PostOkAsync<EncryptResponse>(Path("cards", "encrypt"), new { plaintext = B64("4242"), associatedData = B64("tok_1") }, Ct);
        Assert.StartsWith("shopdapr:v2:", v2.Ciphertext);

        // The old output still decrypts after the rotation …
        var old = await _app.PostOkAsync<DecryptResponse>(Path("cards", "decrypt"), new { ciphertext = v1.Ciphertext, associatedData = B64("tok_1") }, Ct);
        Assert.Equal(B64("4242"), old.Plaintext);

        // … rewraps to the latest version …
        var rewrapped = await _app.PostOkAsync<EncryptResponse>(Path("cards", "rewrap"), new { ciphertext = v1.Ciphertext, associatedData = B64("tok_1") }, Ct);
        Assert.Equal(2, rewrapped.Version);

        // … and stops once its version is retired.
        var config = await _app.Admin().PutAsJsonAsync($"{KeysRoutes.Admin}/cards/config", new { minDecryptionVersion = 2 }, Ct);
        Assert.Equal(["Retired", "Active"], (await config.Content.ReadFromJsonAsync<KeyView>(Ct))!.Versions.Select(v => v.State));
        var retired = await _app.Admin().PostAsJsonAsync(Path("cards", "decrypt"), new { ciphertext = v1.Ciphertext, associatedData = B64("tok_1") }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retired.StatusCode);
        Assert.DoesNotContain(B64("4242"), await retired.Content.ReadAsStringAsync(Ct));
        var fresh = await _app.PostOkAsync<DecryptResponse>(Path("cards", "decrypt"), new { ciphertext = rewrapped.Ciphertext, associatedData = B64("tok_1") }, Ct);
        Assert.Equal(B64("4242"), fresh.Plaintext);
    }

    [Fact]
    public async Task Listing_and_reading_show_metadata_and_never_material()
    {
        await _app.CreateKeyAsync("list-a", "hmac-sha256", Ct);
        await _app.CreateKeyAsync("list-b", "ecdsa-p256", Ct);
        var list = await _app.Admin().GetStringAsync(KeysRoutes.Admin, Ct);
        Assert.Contains("\"list-a\"", list);
        Assert.Contains("\"list-b\"", list);
        Assert.Contains("\"total\":2", list);
        Assert.DoesNotContain("material", list, StringComparison.OrdinalIgnoreCase);
        var one = await _app.Admin().GetFromJsonAsync<KeyView>($"{KeysRoutes.Admin}/list-b", Ct);
        Assert.Equal("ecdsa-p256", one!.Type);
    }

    [Fact]
    public async Task A_disabled_key_is_refused_with_its_state_named_until_enabled()
    {
        await _app.CreateKeyAsync("switch", "aes256-gcm", Ct);
        await _app.PostOkAsync<KeyView>(Path("switch", "disable"), new { }, Ct);
        var refused = await _app.Admin().PostAsJsonAsync(Path("switch", "encrypt"), new { plaintext = B64("x") }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.ReadProblemAsync(Ct);
        Assert.Equal("Disabled", problem.GetProperty("keyState").GetString());
        Assert.Contains("Disabled", problem.GetProperty("title").GetString());
        await _app.PostOkAsync<KeyView>(Path("switch", "enable"), new { }, Ct);
        await _app.PostOkAsync<EncryptResponse>(Path("switch", "encrypt"), new { plaintext = B64("x") }, Ct);
    }

    [Fact]
    public async Task Deletion_is_scheduled_7_to_30_days_out_and_cancellable()
    {
        await _app.CreateKeyAsync("doomed", "aes256-gcm", Ct);
        var tooSoon = await _app.Admin().DeleteAsync($"{KeysRoutes.Admin}/doomed?pendingWindowDays=3", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooSoon.StatusCode);
        await tooSoon.ReadProblemAsync(Ct);

        var pending = await (await _app.Admin().DeleteAsync($"{KeysRoutes.Admin}/doomed?pendingWindowDays=7", Ct)).Content.ReadFromJsonAsync<KeyView>(Ct);
        Assert.Equal("PendingDeletion", pending!.State);
        Assert.InRange(pending.DeletionDate!.Value - DateTimeOffset.UtcNow, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(7));

        var use = await _app.Admin().PostAsJsonAsync(Path("doomed", "encrypt"), new { plaintext = B64("x") }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, use.StatusCode);
        Assert.Equal("PendingDeletion", (await use.ReadProblemAsync(Ct)).GetProperty("keyState").GetString());

        var cancelled = await _app.PostOkAsync<KeyView>(Path("doomed", "cancel-deletion"), new { }, Ct);
        Assert.Equal(("Disabled", (DateTimeOffset?)null), (cancelled.State, cancelled.DeletionDate));
    }

    [Fact]
    public async Task Sign_verify_and_jwks_work_across_a_rotation()
    {
        await _app.CreateKeyAsync("tokens", "ecdsa-p256", Ct);
        var signed = await _app.PostOkAsync<SignResponse>(Path("tokens", "sign"), new { input = B64("header.payload") }, Ct);
        await _app.PostOkAsync<KeyView>(Path("tokens", "rotate"), new { }, Ct);
        Assert.True((await _app.PostOkAsync<VerifyResponse>(Path("tokens", "verify"), new { input = B64("header.payload"), signature = signed.Signature }, Ct)).Valid);
        Assert.False((await _app.PostOkAsync<VerifyResponse>(Path("tokens", "verify"), new { input = B64("header.other"), signature = signed.Signature }, Ct)).Valid);
        var jwks = await _app.Admin().GetFromJsonAsync<JsonWebKeySetView>(Path("tokens", "jwks"), Ct);
        Assert.Equal(["tokens:v1", "tokens:v2", "tokens:v3"], jwks!.Keys.Select(k => k.Kid)); // v3: the next version, announced
        Assert.Equal("tokens:v2", jwks.SigningKid);
        Assert.DoesNotContain("\"d\"", await _app.Admin().GetStringAsync(Path("tokens", "jwks"), Ct));
    }

    [Fact]
    public async Task A_signing_keys_next_version_is_shown_published_and_audited_before_it_signs()
    {
        var created = await _app.CreateKeyAsync("tokens", "ecdsa-p256", Ct);
        Assert.Equal((1, (int?)2), (created.LatestVersion, created.NextVersion));
        Assert.Equal([(1, "Active"), (2, "Next")], created.Versions.Select(v => (v.Version, v.State)));
        var before = await _app.Admin().GetFromJsonAsync<JsonWebKeySetView>(Path("tokens", "jwks"), Ct);
        Assert.Equal(["tokens:v1", "tokens:v2"], before!.Keys.Select(k => k.Kid));
        Assert.Equal("tokens:v1", before.SigningKid);

        var rotated = await _app.PostOkAsync<KeyView>(Path("tokens", "rotate"), new { }, Ct);
        Assert.Equal((2, (int?)3), (rotated.LatestVersion, rotated.NextVersion));
        Assert.Equal([(1, "Active", false), (2, "Active", true), (3, "Next", false)], rotated.Versions.Select(v => (v.Version, v.State, v.ActivatedAt is not null)));
        var signed = await _app.PostOkAsync<SignResponse>(Path("tokens", "sign"), new { input = B64("header.payload") }, Ct);
        Assert.Equal(2, signed.Version);
        // The version that signs now is the one published before the rotation, under the same public key.
        var after = await _app.Admin().GetFromJsonAsync<JsonWebKeySetView>(Path("tokens", "jwks"), Ct);
        Assert.Equal(before.Keys.Single(k => k.Kid == "tokens:v2"), after!.Keys.Single(k => k.Kid == after.SigningKid));

        var audit = (await _app.AuditAsync("?key=tokens", Ct)).Reverse().Select(e => (e.Operation, e.Version)).Where(e => e.Operation != "jwks" && e.Operation != "sign");
        Assert.Equal([("create", 1), ("announce-next", 2), ("rotate", 2), ("announce-next", 3)], audit);
        Assert.True((await _app.VerifyAuditAsync(Ct)).Valid);
    }

    [Fact]
    public async Task A_symmetric_key_has_no_next_version()
    {
        var created = await _app.CreateKeyAsync("cards", "aes256-gcm", Ct);
        Assert.Null(created.NextVersion);
        Assert.Equal(["Active"], created.Versions.Select(v => v.State));
        Assert.DoesNotContain("\"nextVersion\"", await _app.Admin().GetStringAsync($"{KeysRoutes.Admin}/cards", Ct));
    }

    [Fact]
    public async Task Data_keys_come_with_or_without_their_plaintext_and_unwrap_by_decrypt()
    {
        await _app.CreateKeyAsync("envelope", "aes256-gcm", Ct);
        var full = await _app.PostOkAsync<DataKeyResponse>(Path("envelope", "datakey"), new { }, Ct);
        Assert.Equal(32, Convert.FromBase64String(full.Plaintext!).Length);
        var unwrapped = await _app.PostOkAsync<DecryptResponse>(Path("envelope", "decrypt"), new { ciphertext = full.Ciphertext }, Ct);
        Assert.Equal(full.Plaintext, unwrapped.Plaintext);

        var wrappedOnly = await _app.Admin().PostAsJsonAsync(Path("envelope", "datakey"), new { wrappedOnly = true }, Ct);
        var body = await wrappedOnly.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("plaintext", body);
        Assert.Contains("shopdapr:v1:", body);
    }

    [Fact]
    public async Task Hmac_is_versioned_and_verifies()
    {
        await _app.CreateKeyAsync("mac", "hmac-sha256", Ct);
        var mac = await _app.PostOkAsync<HmacResponse>(Path("mac", "hmac"), new { input = B64("order-1") }, Ct);
        Assert.StartsWith("shopdapr:v1:", mac.Hmac);
        Assert.True((await _app.PostOkAsync<VerifyResponse>(Path("mac", "verify"), new { input = B64("order-1"), signature = mac.Hmac }, Ct)).Valid);
    }

    [Fact]
    public async Task Apps_use_keys_over_service_invocation_and_are_audited_by_app_id()
    {
        await _app.CreateKeyAsync("identity-signing", "ecdsa-p256", Ct);
        var identity = _app.App("identity");
        var signed = await _app.PostOkAsync<SignResponse>(KeysRoutes.Operation("identity-signing", "sign"), new { input = B64("jwt") }, Ct, identity);
        Assert.Equal(1, signed.Version);
        var jwks = await identity.GetFromJsonAsync<JsonWebKeySetView>(KeysRoutes.Operation("identity-signing", "jwks"), Ct);
        Assert.Equal(["identity-signing:v1", "identity-signing:v2"], jwks!.Keys.Select(k => k.Kid)); // the latest and the announced next
        var entries = await _app.AuditAsync("?key=identity-signing", Ct);
        Assert.Equal(("app:identity", "jwks", "ok"), (entries[0].Caller, entries[0].Operation, entries[0].Outcome));
        Assert.Equal(("app:identity", "sign", 1), (entries[1].Caller, entries[1].Operation, entries[1].Version));
        Assert.StartsWith("user:", entries[2].Caller);
    }
}
