using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.Contracts.Keys;
using ShopDapr.Keys.Domain;
using ShopDapr.Keys.Infrastructure;
using static ShopDapr.Keys.Tests.KeysFactory;

namespace ShopDapr.Keys.Tests;

public sealed class KeysStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dump_of_the_state_store_shows_no_key_material_in_the_clear()
    {
        await using var app = await KeysFactory.StartAsync(Ct);
        foreach (var type in KeyTypes.Names)
            await app.CreateKeyAsync(type.Replace('-', '.'), type, Ct);
        await app.PostOkAsync<KeyView>(Path("aes256.gcm", "rotate"), new { }, Ct);
        await app.PostOkAsync<HmacResponse>(Path("hmac.sha256", "hmac"), new { input = B64("x") }, Ct); // and the audit key

        var dump = app.Dapr.Snapshot();
        var stored = dump.Where(r => r.Key.StartsWith("key-", StringComparison.Ordinal))
            .SelectMany(r => JsonSerializer.Deserialize<StoredKey>(r.Value.Json, KeysState.Json)!.Versions).ToList();
        Assert.Equal(6, stored.Count); // four keys, one rotation, the audit key
        var text = string.Join("\n", dump.Select(r => r.Key + "=" + r.Value.Json));
        foreach (var version in stored)
        {
            // Each material is at rest only as a Dapr encryption scheme v1 document under the sidecar's master key …
            var wrapped = Convert.FromBase64String(version.WrappedMaterial!);
            Assert.StartsWith("dapr.io/enc/v1\n", System.Text.Encoding.ASCII.GetString(wrapped, 0, 15));
            var material = await app.UnwrapAsync(wrapped, Ct);
            Assert.True(material.Length >= 32);
            // … and nowhere in the clear, whole or in part, in base64 or hex.
            Assert.DoesNotContain(Convert.ToBase64String(material), text);
            Assert.DoesNotContain(Convert.ToHexString(material), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(material[..24]), text);
            Assert.DoesNotContain(Convert.ToBase64String(material[^24..]), text);
        }
    }

    [Fact]
    public async Task Without_its_master_key_the_app_refuses_with_503_and_stores_nothing()
    {
        await using var app = await KeysFactory.StartAsync(Ct);
        await app.CreateKeyAsync("before", "aes256-gcm", Ct);
        File.Delete(System.IO.Path.Combine(app.KeyFolder.FullName, KeysFactory.MasterKeyName));
        var before = KeyRows(app);
        var created = await app.Admin().PostAsJsonAsync("/api/keys", new { name = "after", type = "aes256-gcm" }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, created.StatusCode);
        await ShopDapr.Testing.Problems.ReadProblemAsync(created, Ct);
        Assert.Equal(before, KeyRows(app));
        var failed = (await app.AuditAsync("?key=after", Ct))[0];
        Assert.Equal(("create", "failed:MasterKeyUnavailable"), (failed.Operation, failed.Outcome));
    }

    private static List<string> KeyRows(KeysFactory app) =>
        [.. app.Dapr.Snapshot().Where(r => r.Key.StartsWith("key", StringComparison.Ordinal)).Select(r => $"{r.Key}={r.Value.ETag}").Order()];

    [Fact]
    public async Task Concurrent_rotations_on_two_replicas_lose_none()
    {
        const int rotations = 6;
        await using var app = await KeysFactory.StartAsync(Ct);
        await app.CreateKeyAsync("contended", "hmac-sha256", Ct);
        // Hold every rotation's first transaction until all have read version 1: they then race on the same ETag.
        var arrived = 0;
        var allRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.BeforeTransaction = async () =>
        {
            if (Interlocked.Increment(ref arrived) >= rotations)
                allRead.TrySetResult();
            await allRead.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        };
        var admin = app.Admin();
        var responses = await Task.WhenAll(Enumerable.Range(0, rotations).Select(_ => Task.Run(() => admin.PostAsync(Path("contended", "rotate"), null, Ct), Ct)));
        Assert.All(responses, r => r.EnsureSuccessStatusCode());
        var key = await admin.GetFromJsonAsync<KeyView>("/api/keys/contended", Ct);
        Assert.Equal(Enumerable.Range(1, rotations + 1), key!.Versions.Select(v => v.Version));
        Assert.Equal(rotations, (await app.AuditAsync("?key=contended", Ct)).Count(e => e.Operation == "rotate"));
        Assert.True((await app.VerifyAuditAsync(Ct)).Valid);
    }

    [Fact]
    public async Task Maintenance_destroys_a_key_past_its_deletion_date_and_rotates_a_key_whose_period_is_up()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await KeysFactory.StartAsync(Ct, services => services.RemoveAll<TimeProvider>().AddSingleton<TimeProvider>(clock));
        var keys = app.Services.GetRequiredService<KeyService>();
        var admin = new KeyCaller("user:admin-1", "test");
        await keys.CreateAsync(admin, "doomed", "aes256-gcm", null, Ct);
        await keys.CreateAsync(admin, "rolling", "ecdsa-p256", "24h", Ct);
        await keys.ScheduleDeletionAsync(admin, "doomed", 7, Ct);

        clock.Advance(TimeSpan.FromHours(25));
        await app.Services.GetRequiredService<KeyMaintenance>().SweepAsync(Ct);
        Assert.Equal(2, (await keys.GetAsync(admin, "rolling", Ct)).LatestVersion);
        Assert.Equal(KeyState.PendingDeletion, (await keys.GetAsync(admin, "doomed", Ct)).State);

        clock.Advance(TimeSpan.FromDays(7));
        await app.Services.GetRequiredService<KeyMaintenance>().SweepAsync(Ct);
        var stored = app.Dapr.Read<JsonElement>(KeyStore.StateKey("doomed")).Deserialize<StoredKey>(KeysState.Json)!;
        Assert.Equal(KeyState.Destroyed, stored.State);
        Assert.All(stored.Versions, v => Assert.Null(v.WrappedMaterial));
        var refused = await Assert.ThrowsAsync<KeyRuleException>(() => keys.EncryptAsync(admin, "doomed", B64("x"), null, Ct));
        Assert.Equal(KeyState.Destroyed, refused.State);
        var entries = await app.Services.GetRequiredService<AuditLog>().QueryAsync("doomed", null, null, 100, Ct);
        Assert.Contains(entries, e => e is { Operation: "destroy", Caller: "app:keys", Outcome: "ok" });
    }

    [Fact]
    public async Task A_signing_key_stored_without_a_next_version_keeps_signing_and_the_sweep_announces_one()
    {
        await using var app = await KeysFactory.StartAsync(Ct);
        var keys = app.Services.GetRequiredService<KeyService>();
        var admin = new KeyCaller("user:admin-1", "test");
        await keys.CreateAsync(admin, "legacy", "ecdsa-p256", null, Ct);
        // As keys stored signing keys before they announced next versions: no "next" in the row.
        var row = System.Text.Json.Nodes.JsonNode.Parse(app.Dapr.Read<JsonElement>(KeyStore.StateKey("legacy")).GetRawText())!.AsObject();
        Assert.True(row.Remove("next"));
        await app.Dapr.WriteAsync(KeyStore.StateKey("legacy"), row, Ct);

        var legacy = await app.Admin().GetFromJsonAsync<KeyView>($"{KeysRoutes.Admin}/legacy", Ct);
        Assert.Equal((1, (int?)null), (legacy!.LatestVersion, legacy.NextVersion));
        Assert.Equal(1, (await app.PostOkAsync<SignResponse>(Path("legacy", "sign"), new { input = B64("x") }, Ct)).Version);

        await app.Services.GetRequiredService<KeyMaintenance>().SweepAsync(Ct);
        var announced = await app.Admin().GetFromJsonAsync<KeyView>($"{KeysRoutes.Admin}/legacy", Ct);
        Assert.Equal((1, (int?)2), (announced!.LatestVersion, announced.NextVersion));
        var stored = app.Dapr.Read<JsonElement>(KeyStore.StateKey("legacy")).Deserialize<StoredKey>(KeysState.Json)!;
        Assert.Equal(2, stored.Next!.Version);
        Assert.NotNull(stored.Next.WrappedMaterial);
        var unwrapped = await app.UnwrapAsync(Convert.FromBase64String(stored.Next.WrappedMaterial), Ct);
        Assert.Equal((await keys.GetAsync(admin, "legacy", Ct)).Next!.Material, unwrapped); // wrapped under the master key, as every version
        var entries = await app.Services.GetRequiredService<AuditLog>().QueryAsync("legacy", null, null, 100, Ct);
        Assert.Contains(entries, e => e is { Operation: "announce-next", Caller: "app:keys", Version: 2, Outcome: "ok" });

        // A second sweep has nothing to announce; a rotation promotes what was announced.
        var announcements = entries.Count(e => e.Operation == "announce-next"); // the create's, and the sweep's
        await app.Services.GetRequiredService<KeyMaintenance>().SweepAsync(Ct);
        Assert.Equal(announcements, (await app.Services.GetRequiredService<AuditLog>().QueryAsync("legacy", null, null, 100, Ct)).Count(e => e.Operation == "announce-next"));
        var rotated = await app.PostOkAsync<KeyView>(Path("legacy", "rotate"), new { }, Ct);
        Assert.Equal((2, (int?)3), (rotated.LatestVersion, rotated.NextVersion));
    }
}
