using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Contracts.Keys;
using ShopDapr.Keys.Infrastructure;
using ShopDapr.Testing;
using static ShopDapr.Keys.Tests.KeysFactory;

namespace ShopDapr.Keys.Tests;

public sealed class KeysAuditTests : IAsyncLifetime
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
    public async Task Every_call_is_recorded_with_caller_key_version_outcome_and_request_id_and_data_only_as_an_hmac()
    {
        await _app.CreateKeyAsync("audited", "aes256-gcm", Ct);
        await _app.PostOkAsync<EncryptResponse>(Path("audited", "encrypt"), new { plaintext = B64("pan 4242") }, Ct);
        await _app.Admin().PostAsJsonAsync(Path("audited", "decrypt"), new { ciphertext = "shopdapr:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, Ct);

        var entries = await _app.AuditAsync("?key=audited", Ct);
        Assert.Equal(["decrypt", "encrypt", "create"], entries.Select(e => e.Operation));
        Assert.Equal(["refused:Unusable", "ok", "ok"], entries.Select(e => e.Outcome));
        Assert.All(entries, e => Assert.Equal("user:admin-1", e.Caller));
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.RequestId)));
        Assert.Equal(1, entries[1].Version);
        Assert.StartsWith("hmac-sha256:", entries[1].DataHmac);
        var dump = string.Join("\n", _app.Dapr.Snapshot().Values.Select(v => v.Json));
        Assert.DoesNotContain(B64("pan 4242"), dump);
        Assert.DoesNotContain("pan 4242", dump);
    }

    [Fact]
    public async Task The_chain_verifies_and_an_altered_stored_entry_is_named()
    {
        await _app.CreateKeyAsync("chain", "hmac-sha256", Ct);
        for (var i = 0; i < 4; i++)
            await _app.PostOkAsync<HmacResponse>(Path("chain", "hmac"), new { input = B64($"in-{i}") }, Ct);
        var intact = await _app.VerifyAuditAsync(Ct);
        Assert.Equal((true, 5L), (intact.Valid, intact.Entries));
        Assert.Null(intact.FirstInvalid);

        // Someone with write access to the store rewrites entry 3: it now says a refusal happened.
        var key = AuditLog.EntryKey(3);
        var stored = _app.Dapr.Read<JsonElement>(key);
        var altered = JsonSerializer.Deserialize<Dictionary<string, object?>>(stored.GetRawText())!;
        altered["outcome"] = "refused:NotFound";
        await _app.Dapr.WriteAsync(key, altered, Ct);

        var broken = await _app.VerifyAuditAsync(Ct);
        Assert.False(broken.Valid);
        Assert.Equal(3, broken.FirstInvalid!.Sequence);
    }

    [Fact]
    public async Task A_deleted_entry_is_named()
    {
        await _app.CreateKeyAsync("gap", "aes256-gcm", Ct);
        await _app.PostOkAsync<KeyView>(Path("gap", "rotate"), new { }, Ct);
        await _app.Dapr.Client.DeleteStateAsync(DevDapr.StateStore, AuditLog.EntryKey(1), cancellationToken: Ct);
        var broken = await _app.VerifyAuditAsync(Ct);
        Assert.Equal((false, 1L), (broken.Valid, broken.FirstInvalid!.Sequence));
    }

    [Fact]
    public async Task Concurrent_calls_share_one_audit_commit_and_every_one_is_recorded()
    {
        await _app.CreateKeyAsync("busy", "aes256-gcm", Ct);
        await _app.PostOkAsync<EncryptResponse>(Path("busy", "encrypt"), new { plaintext = B64("warm") }, Ct); // the audit key exists
        var audit = _app.Services.GetRequiredService<AuditLog>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transactions = 0;
        _app.BeforeTransaction = async () =>
        {
            if (Interlocked.Increment(ref transactions) == 1)
                await gate.Task; // the first call's commit is in flight until every other call has arrived
        };

        const int calls = 32;
        var encrypts = Enumerable.Range(0, calls).Select(i => _app.Admin().PostAsJsonAsync(Path("busy", "encrypt"), new { plaintext = B64($"card {i}") }, Ct)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (audit.Waiting < calls - 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{audit.Waiting} of {calls - 1} calls waited for the commit in flight");
            await Task.Delay(10, Ct);
        }
        gate.SetResult();
        var responses = await Task.WhenAll(encrypts);
        _app.BeforeTransaction = null;

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, transactions); // the first call's, then the other 31 together
        var entries = await _app.AuditAsync($"?key=busy&limit={calls + 10}", Ct);
        Assert.Equal(calls + 1, entries.Count(e => e.Operation == "encrypt" && e.Outcome == "ok"));
        Assert.Equal(calls + 1, entries.Where(e => e.Operation == "encrypt").Select(e => e.RequestId).Distinct().Count());
        Assert.True((await _app.VerifyAuditAsync(Ct)).Valid);
    }

    [Fact]
    public async Task When_the_audit_cannot_be_written_the_operation_is_refused_503_and_its_result_never_handed_out()
    {
        await _app.CreateKeyAsync("strict", "aes256-gcm", Ct);
        await _app.PostOkAsync<EncryptResponse>(Path("strict", "encrypt"), new { plaintext = B64("warm") }, Ct); // the audit key exists
        var before = await _app.VerifyAuditAsync(Ct);

        _app.FailNextTransactions(1000);
        var encrypt = await _app.Admin().PostAsJsonAsync(Path("strict", "encrypt"), new { plaintext = B64("secret") }, Ct);
        var rotate = await _app.Admin().PostAsJsonAsync(Path("strict", "rotate"), new { }, Ct);
        _app.FailNextTransactions(0);

        foreach (var response in new[] { encrypt, rotate })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("shopdapr:v", body);
        }
        var key = await _app.Admin().GetFromJsonAsync<KeyView>("/api/keys/strict", Ct);
        Assert.Equal(1, key!.LatestVersion); // the rotation was not done unaudited
        var after = await _app.VerifyAuditAsync(Ct);
        Assert.True(after.Valid);
        Assert.Equal(before.Entries + 1, after.Entries); // only the GET just made
    }

    [Fact]
    public async Task Audit_queries_filter_by_key_and_time_newest_first()
    {
        await _app.CreateKeyAsync("q1", "aes256-gcm", Ct);
        var middle = DateTimeOffset.UtcNow;
        await _app.CreateKeyAsync("q2", "aes256-gcm", Ct);
        await _app.PostOkAsync<KeyView>(Path("q1", "rotate"), new { }, Ct);
        Assert.Equal(["rotate", "create"], (await _app.AuditAsync("?key=q1", Ct)).Select(e => e.Operation));
        var since = await _app.AuditAsync($"?from={Uri.EscapeDataString(middle.ToString("O"))}", Ct);
        Assert.Equal([("q1", "rotate"), ("q2", "create")], since.Where(e => e.Operation != "read").Select(e => (e.Key, e.Operation)));
        var bad = await _app.Admin().GetAsync("/api/keys/audit?limit=0", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        await bad.ReadProblemAsync(Ct);
    }
}
