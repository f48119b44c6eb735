extern alias keysapp;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Contracts.Keys;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Payment.Tests;

/// <summary>
/// The card vault encrypts under the keys app's <c>payment-cards</c> key, as the shop runs: payment's real DaprClient and
/// its dev sidecar invoke the keys app's sidecar under the repo's access-control policy. The stored entry holds keys'
/// ciphertext, bound to the card's token, and neither the number nor any key material.
/// </summary>
public sealed class CardVaultThroughKeysTests : IAsyncLifetime
{
    private const string CardKey = "payment-cards";
    private const string Number = SimulatedCardProvider.Approves;

    private KeysApp _keys = null!;
    private DevSidecars _sidecars = null!;
    private Sidecar _paymentSidecar = null!;
    private ShopAppFactory<Program> _payment = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _keys = await KeysApp.StartAsync(Ct);
        _sidecars = new DevSidecars(new Dictionary<string, string> { ["pubsub.yaml"] = DevDapr.Component(DevDapr.PubSub, "pubsub.in-memory") });
        await _sidecars.StartAsync(ShopNames.AppIds.Keys, _keys.Server.CreateHandler(), appApiToken: ShopAppFactory<Program>.DefaultAppApiToken, cancellationToken: Ct);
        _paymentSidecar = await _sidecars.StartAsync(ShopNames.AppIds.Payment, apiToken: ShopAppFactory<Program>.DefaultDaprApiToken, cancellationToken: Ct);
        _payment = new ShopAppFactory<Program>();
        _payment.Settings["DAPR_HTTP_ENDPOINT"] = _paymentSidecar.HttpEndpoint.ToString();
        _payment.Settings["DAPR_GRPC_ENDPOINT"] = _paymentSidecar.GrpcEndpoint.ToString();
        await _keys.AwaitKeyAsync(CardKey, Ct); // keys creates it on its start
    }

    public async ValueTask DisposeAsync()
    {
        await _payment.DisposeAsync();
        await _sidecars.DisposeAsync();
        await _keys.DisposeAsync();
    }

    private async Task<VaultedCard> VaultAsync()
    {
        var response = await _payment.CreateClient().PostAsJsonAsync(PaymentRoutes.Cards, new { number = Number, expiry = "12/39", cvc = "7319" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<VaultedCard>(Ct))!;
    }

    /// <summary>The entry as the state store holds it, read raw from payment's sidecar.</summary>
    private async Task<string> StoredAsync(string token)
    {
        using var http = new HttpClient { BaseAddress = _paymentSidecar.HttpEndpoint };
        http.DefaultRequestHeaders.Add("dapr-api-token", ShopAppFactory<Program>.DefaultDaprApiToken);
        return await http.GetStringAsync($"v1.0/state/{ShopNames.Components.StateStore}/card-{token}", Ct);
    }

    [Fact]
    public async Task The_stored_card_is_the_keys_apps_ciphertext_bound_to_its_token_and_opens_for_a_charge()
    {
        var card = await VaultAsync();

        var stored = await StoredAsync(card.Token);
        var ciphertext = JsonDocument.Parse(stored).RootElement.GetProperty("numberCiphertext").GetString()!;
        Assert.StartsWith("shopdapr:v1:", ciphertext);
        Assert.DoesNotContain(Number, stored);
        Assert.DoesNotContain("7319", stored);
        // It is keys' ciphertext under payment-cards, for this token only (the admin's decrypt proves it; another token's fails).
        var decrypt = (string token) => _keys.Admin().PostAsJsonAsync($"{KeysRoutes.Admin}/{CardKey}/decrypt",
            new { ciphertext, associatedData = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)) }, Ct);
        var opened = await (await decrypt(card.Token)).Content.ReadFromJsonAsync<DecryptResponse>(Ct);
        Assert.Equal(Number, System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(opened!.Plaintext)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await decrypt("card_" + new string('0', 32))).StatusCode);
        // Payment opens it through keys for a charge; keys audits each use by payment's app id.
        var vault = _payment.Services.GetRequiredService<CardVault>();
        Assert.Equal(Number, (await vault.OpenAsync(card.Token, Ct))!.Value.Card.Number);
        var audit = await _keys.Admin().GetFromJsonAsync<JsonElement>($"{KeysRoutes.Admin}/audit?key={CardKey}", Ct);
        Assert.Contains(audit.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("operation").GetString() == "decrypt" && e.GetProperty("caller").GetString() == "app:payment");
        // Neither store holds the number: not payment's, and not the keys app's (its materials wrapped, its audit HMACs only).
        Assert.DoesNotContain(_keys.Dapr.Snapshot().Values, row => row.Json.Contains(Number, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_card_vaulted_before_a_rotation_still_opens_and_a_disabled_key_is_a_503()
    {
        var before = await VaultAsync();
        (await _keys.Admin().PostAsync($"{KeysRoutes.Admin}/{CardKey}/rotate", null, Ct)).EnsureSuccessStatusCode();
        var after = await VaultAsync();
        Assert.StartsWith("shopdapr:v2:", JsonDocument.Parse(await StoredAsync(after.Token)).RootElement.GetProperty("numberCiphertext").GetString());
        var vault = _payment.Services.GetRequiredService<CardVault>();
        Assert.Equal(Number, (await vault.OpenAsync(before.Token, Ct))!.Value.Card.Number);

        (await _keys.Admin().PostAsync($"{KeysRoutes.Admin}/{CardKey}/disable", null, Ct)).EnsureSuccessStatusCode();
        await Assert.ThrowsAsync<CardCipherUnavailableException>(() => vault.OpenAsync(before.Token, Ct));
        var refused = await _payment.CreateClient().PostAsJsonAsync(PaymentRoutes.Cards, new { number = Number, expiry = "12/39", cvc = "7319" }, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        await refused.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task A_card_sealed_by_data_protection_opens_and_is_rewritten_under_the_keys_app()
    {
        // An entry as the vault wrote it before keys: data protection's ciphertext, bound to the token.
        var token = VaultedCard.TokenPrefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var sealedBefore = await _payment.Services.GetRequiredService<DataProtectionCardCipher>()
            .EncryptAsync(System.Text.Encoding.ASCII.GetBytes(Number), token, Ct);
        Assert.DoesNotContain("shopdapr:", sealedBefore);
        await SaveAsync(new VaultEntry(token, sealedBefore, "0000", "visa", "12/39", DateTimeOffset.UtcNow));

        var vault = _payment.Services.GetRequiredService<CardVault>();
        Assert.Equal(Number, (await vault.OpenAsync(token, Ct))!.Value.Card.Number);
        var migrated = JsonDocument.Parse(await StoredAsync(token)).RootElement.GetProperty("numberCiphertext").GetString()!;
        Assert.StartsWith("shopdapr:v1:", migrated);

        // Opened again, it is keys' entry: read through keys, not rewritten.
        Assert.Equal(Number, (await vault.OpenAsync(token, Ct))!.Value.Card.Number);
        Assert.Equal(migrated, JsonDocument.Parse(await StoredAsync(token)).RootElement.GetProperty("numberCiphertext").GetString());
        var audit = await _keys.Admin().GetFromJsonAsync<JsonElement>($"{KeysRoutes.Admin}/audit?key={CardKey}", Ct);
        Assert.Equal((1, 1), (audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("operation").GetString() == "encrypt"),
            audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("operation").GetString() == "decrypt")));
    }

    [Fact]
    public async Task A_card_sealed_by_data_protection_under_another_token_opens_nothing_and_is_left_as_it_is()
    {
        var token = VaultedCard.TokenPrefix + new string('1', 32);
        var sealedForAnother = await _payment.Services.GetRequiredService<DataProtectionCardCipher>()
            .EncryptAsync(System.Text.Encoding.ASCII.GetBytes(Number), VaultedCard.TokenPrefix + new string('2', 32), Ct);
        await SaveAsync(new VaultEntry(token, sealedForAnother, "0000", "visa", "12/39", DateTimeOffset.UtcNow));

        Assert.Null(await _payment.Services.GetRequiredService<CardVault>().OpenAsync(token, Ct));
        Assert.Equal(sealedForAnother, JsonDocument.Parse(await StoredAsync(token)).RootElement.GetProperty("numberCiphertext").GetString());
    }

    /// <summary>Writes an entry through payment's sidecar, as the vault stores them.</summary>
    private async Task SaveAsync(VaultEntry entry)
    {
        using var http = new HttpClient { BaseAddress = _paymentSidecar.HttpEndpoint };
        http.DefaultRequestHeaders.Add("dapr-api-token", ShopAppFactory<Program>.DefaultDaprApiToken);
        var body = new[] { new { key = $"card-{entry.Token}", value = entry } };
        (await http.PostAsync($"v1.0/state/{ShopNames.Components.StateStore}",
            JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)), Ct)).EnsureSuccessStatusCode();
    }

    /// <summary>The keys app in process, its state and master key behind a dev sidecar of its own, as Keys.Tests run it.</summary>
    private sealed class KeysApp : ShopAppFactory<keysapp::Program>
    {
        private readonly DirectoryInfo _keyFolder;
        private HttpClient? _admin;

        private KeysApp(DevDapr dapr, DirectoryInfo keyFolder)
        {
            Dapr = dapr;
            _keyFolder = keyFolder;
            foreach (var (key, value) in dapr.AppSettings)
                Settings[key] = value;
        }

        public DevDapr Dapr { get; }

        public static async Task<KeysApp> StartAsync(CancellationToken cancellationToken)
        {
            var keyFolder = Directory.CreateTempSubdirectory("keys-master-");
            using (var rsa = System.Security.Cryptography.RSA.Create(3072))
                await File.WriteAllTextAsync(Path.Combine(keyFolder.FullName, "keys-master.pem"), rsa.ExportPkcs8PrivateKeyPem(), cancellationToken);
            var crypto = DevDapr.Component(ShopNames.Components.Crypto, "crypto.dapr.localstorage", ("path", keyFolder.FullName));
            var dapr = await DevDapr.StartAsync(ShopNames.AppIds.Keys, cancellationToken, apiToken: DefaultDaprApiToken,
                resources: new Dictionary<string, string> { ["crypto.yaml"] = crypto });
            return new KeysApp(dapr, keyFolder);
        }

        public HttpClient Admin() => _admin ??= ClientWith(Tokens.Admin());

        /// <summary>Waits (with a deadline) until the app has provisioned <paramref name="name"/>.</summary>
        public async Task AwaitKeyAsync(string name, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await Admin().GetAsync($"{KeysRoutes.Admin}/{name}", cancellationToken)).StatusCode != HttpStatusCode.OK)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"Key '{name}' was not provisioned.");
                await Task.Delay(50, cancellationToken);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Dapr.DisposeAsync();
            _keyFolder.Delete(recursive: true);
        }
    }
}
