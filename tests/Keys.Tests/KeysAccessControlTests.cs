using System.Net;
using System.Net.Http.Json;
using ShopDapr.Contracts.Keys;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;
using static ShopDapr.Keys.Tests.KeysFactory;

namespace ShopDapr.Keys.Tests;

/// <summary>
/// Apps reach keys only through their sidecars, which apply the repo's own access-control policy
/// (components/local/config.yaml): real dev sidecars for identity, payment and cart invoke the keys app in-process.
/// </summary>
public sealed class KeysAccessControlTests : IAsyncLifetime
{
    private KeysFactory _app = null!;
    private DevSidecars _sidecars = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await KeysFactory.StartAsync(Ct);
        _app.Admin();
        _sidecars = new DevSidecars();
        await _sidecars.StartAsync(ShopNames.AppIds.Keys, _app.Server.CreateHandler(), appApiToken: ShopAppFactory<Program>.DefaultAppApiToken, cancellationToken: Ct);
        await _app.CreateKeyAsync("tokens", "ecdsa-p256", Ct);
        await _app.CreateKeyAsync("cards", "aes256-gcm", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _sidecars.DisposeAsync();
        await _app.DisposeAsync();
    }

    private async Task<HttpResponseMessage> InvokeAsync(string caller, string operation, string key, object? body)
    {
        var sidecar = await _sidecars.StartAsync(caller, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        var path = $"v1.0/invoke/{ShopNames.AppIds.Keys}/method{KeysRoutes.Operation(key, operation)}";
        return body is null ? await http.GetAsync(path, Ct) : await http.PostAsJsonAsync(path, body, Ct);
    }

    [Fact]
    public async Task Identity_may_sign_and_read_the_jwks_and_is_audited_by_its_app_id()
    {
        var signed = await InvokeAsync(ShopNames.AppIds.Identity, "sign", "tokens", new { input = B64("jwt") });
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await InvokeAsync(ShopNames.AppIds.Identity, "jwks", "tokens", null)).StatusCode);
        var entry = (await _app.AuditAsync("?key=tokens", Ct)).First(e => e.Operation == "sign");
        Assert.Equal(("app:identity", "ok"), (entry.Caller, entry.Outcome));
    }

    [Fact]
    public async Task Payment_may_encrypt_and_decrypt_but_not_sign()
    {
        var encrypted = await InvokeAsync(ShopNames.AppIds.Payment, "encrypt", "cards", new { plaintext = B64("4242") });
        Assert.Equal(HttpStatusCode.OK, encrypted.StatusCode);
        var ciphertext = (await encrypted.Content.ReadFromJsonAsync<EncryptResponse>(Ct))!.Ciphertext;
        Assert.Equal(HttpStatusCode.OK, (await InvokeAsync(ShopNames.AppIds.Payment, "decrypt", "cards", new { ciphertext })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await InvokeAsync(ShopNames.AppIds.Payment, "sign", "tokens", new { input = B64("x") })).StatusCode);
    }

    [Theory]
    [InlineData("identity", "encrypt")]
    [InlineData("identity", "decrypt")]
    [InlineData("cart", "encrypt")]
    [InlineData("cart", "sign")]
    [InlineData("ordering", "hmac")]
    [InlineData("gateway", "sign")]
    public async Task Other_apps_and_operations_are_refused_403_by_the_sidecar_and_never_reach_keys(string caller, string operation)
    {
        var before = (await _app.VerifyAuditAsync(Ct)).Entries;
        var response = await InvokeAsync(caller, operation, operation == "sign" ? "tokens" : "cards", new { plaintext = B64("x"), input = B64("x") });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, (await _app.VerifyAuditAsync(Ct)).Entries); // keys never saw the call
    }
}
