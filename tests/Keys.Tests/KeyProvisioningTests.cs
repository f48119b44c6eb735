using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShopDapr.Contracts.Common;
using ShopDapr.Contracts.Keys;
using ShopDapr.Keys.Infrastructure;
using ShopDapr.ServiceDefaults;
using static ShopDapr.Keys.Tests.KeysFactory;

namespace ShopDapr.Keys.Tests;

/// <summary>
/// The shop's keys (<c>Keys:Provision</c> in the app's appsettings.json) are made by keys itself on its first start, and a
/// later start leaves them as they are; listing keys reads metadata only, never unwrapping a material.
/// </summary>
public sealed class KeyProvisioningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<PagedList<KeyView>> ListAsync(KeysFactory app) =>
        (await app.Admin().GetFromJsonAsync<PagedList<KeyView>>(KeysRoutes.Admin, Ct))!;

    private static async Task<PagedList<KeyView>> AwaitKeysAsync(KeysFactory app, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var list = await ListAsync(app);
            if (list.Items.Count >= count || DateTime.UtcNow > deadline)
                return list;
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task The_first_start_creates_the_shops_keys_and_a_restart_keeps_them()
    {
        await using var app = await KeysFactory.StartAsync(Ct);
        app.Settings["Keys:ProvisionOnStart"] = "true";

        var first = await AwaitKeysAsync(app, 2);
        Assert.Equal([("identity-tokens", "ecdsa-p256", 1), ("payment-cards", "aes256-gcm", 1)],
            first.Items.Select(k => (k.Name, k.Type, k.LatestVersion)).Order());
        await app.PostOkAsync<KeyView>(Path("identity-tokens", "rotate"), new { }, Ct);

        // A restart (or a second replica) provisions again: nothing is created over the keys that exist.
        var services = app.Services;
        using var again = new KeyProvisioning(services.GetRequiredService<KeyService>(), services.GetRequiredService<IOptions<KeysOptions>>(),
            TimeProvider.System, NullLogger<KeyProvisioning>.Instance);
        await again.StartAsync(Ct);
        await again.ExecuteTask!;

        var after = await ListAsync(app);
        Assert.Equal([("identity-tokens", 2), ("payment-cards", 1)], after.Items.Select(k => (k.Name, k.LatestVersion)).Order());
        var creates = (await app.AuditAsync("", Ct)).Where(e => e.Operation == "create").Select(e => (e.Key, e.Caller, e.Outcome)).Order();
        Assert.Equal([("identity-tokens", "app:keys", "ok"), ("payment-cards", "app:keys", "ok")], creates);
        Assert.True((await app.VerifyAuditAsync(Ct)).Valid);
    }

    [Fact]
    public async Task The_app_is_not_ready_until_its_keys_exist_and_provisioning_retries_a_failing_store()
    {
        await using var app = await KeysFactory.StartAsync(Ct);
        app.Settings["Keys:ProvisionOnStart"] = "true";
        app.FailNextTransactions(1_000_000); // the state store refuses every write
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(HealthEndpoints.Ready, Ct)).StatusCode);
        Assert.Empty((await ListAsync(app)).Items);

        app.FailNextTransactions(0); // the store is back: the next retry creates the keys
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await client.GetAsync(HealthEndpoints.Ready, Ct)).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            await Task.Delay(50, Ct);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(HealthEndpoints.Ready, Ct)).StatusCode);
        Assert.Equal(["identity-tokens", "payment-cards"], (await ListAsync(app)).Items.Select(k => k.Name).Order());
    }

    [Fact]
    public async Task Listing_keys_never_unwraps_a_material()
    {
        var unwraps = new CountingMasterKey();
        await using var app = await KeysFactory.StartAsync(Ct, services => services.AddSingleton<IMasterKey>(sp =>
            unwraps.Around(ActivatorUtilities.CreateInstance<DaprMasterKey>(sp))));
        app.Settings["Keys:MaterialCacheSize"] = "1"; // only the last material stays in memory: the others would need an unwrap
        foreach (var name in new[] { "list-a", "list-b", "list-c" })
            await app.CreateKeyAsync(name, "aes256-gcm", Ct);
        await app.PostOkAsync<KeyView>(Path("list-a", "disable"), new { }, Ct);
        var before = unwraps.Count;

        var list = await ListAsync(app);

        Assert.Equal(before, unwraps.Count);
        Assert.Equal([("list-a", "Disabled", "Active"), ("list-b", "Enabled", "Active"), ("list-c", "Enabled", "Active")],
            list.Items.Select(k => (k.Name, k.State, k.Versions.Single().State)).Order());
        // The same key through an operation does unwrap (the counter counts).
        await app.PostOkAsync<EncryptResponse>(Path("list-b", "encrypt"), new { plaintext = B64("x") }, Ct);
        Assert.True(unwraps.Count > before);
    }

    private sealed class CountingMasterKey : IMasterKey
    {
        private IMasterKey? _inner;
        private int _unwraps;

        public int Count => Volatile.Read(ref _unwraps);

        public IMasterKey Around(IMasterKey inner)
        {
            _inner = inner;
            return this;
        }

        public Task<byte[]> WrapAsync(ReadOnlyMemory<byte> material, CancellationToken cancellationToken) => _inner!.WrapAsync(material, cancellationToken);

        public Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _unwraps);
            return _inner!.UnwrapAsync(wrapped, cancellationToken);
        }
    }
}
