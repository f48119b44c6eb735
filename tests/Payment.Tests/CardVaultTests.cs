using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;
using ShopDapr.Testing;

namespace ShopDapr.Payment.Tests;

/// <summary>POST /internal/cards: the card in once, a token out; the store holds the number only encrypted and never the CVC.</summary>
public sealed class CardVaultTests : IAsyncLifetime
{
    private readonly PaymentFactory _app = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> VaultAsync(string number, string expiry = "12/39", string cvc = "7319") =>
        _app.Sidecar().PostAsJsonAsync(PaymentRoutes.Cards, new { number, expiry, cvc }, Ct);

    [Theory]
    [InlineData(SimulatedCardProvider.Approves, "visa", "12/39", "12/2039")]
    [InlineData(SimulatedCardProvider.FailsTwiceThenApproves, "visa", "01/2031", "01/2031")]
    [InlineData("5555555555554444", "mastercard", "06/30", "06/2030")]
    [InlineData("378282246310005", "amex", "06/30", "06/2030")]
    public async Task A_card_is_vaulted_once_and_answered_as_a_token_with_its_last_four_brand_and_expiry(string number, string brand, string expiry, string written)
    {
        var response = await VaultAsync(number, expiry);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var card = (await response.Content.ReadFromJsonAsync<VaultedCard>(Ct))!;
        Assert.True(VaultedCard.IsToken(card.Token), card.Token);
        Assert.Equal((number[^4..], brand, written), (card.Last4, card.Brand, card.Expiry));
        var opened = await _app.Services.GetRequiredService<CardVault>().OpenAsync(card.Token, Ct);
        Assert.Equal((number, written), (opened!.Value.Card.Number, opened.Value.Card.Expiry));
    }

    [Fact]
    public async Task The_store_and_the_logs_hold_neither_the_number_nor_the_cvc()
    {
        var card = (await (await VaultAsync(SimulatedCardProvider.Approves)).Content.ReadFromJsonAsync<VaultedCard>(Ct))!;

        var stored = Assert.Single(_app.State.Snapshot());
        Assert.Equal($"card-{card.Token}", stored.Key);
        Assert.DoesNotContain(SimulatedCardProvider.Approves, stored.Value);
        Assert.DoesNotContain("7319", stored.Value);
        Assert.DoesNotContain("cvc", stored.Value, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_app.Logs.Lines, l => l.Contains(SimulatedCardProvider.Approves) || l.Contains("7319"));
    }

    [Fact]
    public async Task Each_vaulting_is_a_new_token_and_an_unknown_token_opens_nothing()
    {
        var first = (await (await VaultAsync(SimulatedCardProvider.Approves)).Content.ReadFromJsonAsync<VaultedCard>(Ct))!;
        var second = (await (await VaultAsync(SimulatedCardProvider.Approves)).Content.ReadFromJsonAsync<VaultedCard>(Ct))!;

        Assert.NotEqual(first.Token, second.Token);
        Assert.Null(await _app.Services.GetRequiredService<CardVault>().OpenAsync("card_" + new string('0', 32), Ct));
    }

    [Fact]
    public async Task A_ciphertext_is_bound_to_its_token()
    {
        var cipher = _app.Services.GetRequiredService<ICardCipher>();
        var sealedNumber = await cipher.EncryptAsync("4242424242424242"u8.ToArray(), "card_a", Ct);

        Assert.Equal("4242424242424242"u8.ToArray(), await cipher.DecryptAsync(sealedNumber, "card_a", Ct));
        Assert.Null(await cipher.DecryptAsync(sealedNumber, "card_b", Ct));
    }

    [Theory]
    [InlineData("4242424242424243", "12/39", "123", "card.number")]
    [InlineData("4242424242424242", "13/39", "123", "card.expiry")]
    [InlineData("4242424242424242", "12/39", "12", "card.cvc")]
    public async Task A_malformed_card_is_400_naming_the_field_and_vaults_nothing(string number, string expiry, string cvc, string field)
    {
        var response = await VaultAsync(number, expiry, cvc);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync(Ct)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(_app.State.Snapshot());
    }

    [Fact]
    public async Task Only_the_sidecar_may_vault()
    {
        var direct = await _app.ClientWith(null).WithoutAppToken().PostAsJsonAsync(PaymentRoutes.Cards,
            new { number = SimulatedCardProvider.Approves, expiry = "12/39", cvc = "123" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        Assert.Empty(_app.State.Snapshot());
    }
}
