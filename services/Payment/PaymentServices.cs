using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.Payment.Domain;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Configuration;
using ShopDapr.Payment.Infrastructure;

namespace ShopDapr.Payment;

public static class PaymentServices
{
    public static IHostApplicationBuilder AddPaymentServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        // The simulated provider keeps its own idempotency records in memory, as a real provider keeps them on its side.
        builder.Services.AddSingleton<ICardProvider, SimulatedCardProvider>();
        builder.Services.AddSingleton<PaymentStore>();
        builder.Services.AddValidatedOptions<PaymentOptions>(PaymentOptions.Section);
        if (builder.Configuration.GetValue($"{PaymentOptions.Section}:{nameof(PaymentOptions.CardCipher)}", CardCipher.Keys) == CardCipher.DataProtection)
        {
            builder.Services.AddDataProtection();
            builder.Services.AddSingleton<ICardCipher, DataProtectionCardCipher>();
        }
        else
        {
            // Cards sealed by data protection before the vault used keys still open, and move to keys as they open
            // (CardVault); the key ring stays, read only, until none is left.
            builder.Services.AddDataProtection();
            builder.Services.AddSingleton<DataProtectionCardCipher>();
            // keys through the sidecar: http://keys/... becomes {sidecar}/v1.0/invoke/keys/method/...
            var configuration = builder.Configuration;
            builder.Services.AddSingleton<ICardCipher>(sp => new KeysCardCipher(
                DaprClient.CreateInvokeHttpClient(ShopNames.AppIds.Keys, DaprEndpoints.Http(configuration), DaprEndpoints.ApiToken(configuration)),
                sp.GetRequiredService<IOptions<PaymentOptions>>()));
        }
        builder.Services.AddSingleton<CardVault>();
        builder.Services.AddSingleton<PaymentEvents>();
        builder.Services.AddSingleton<PaymentAnnouncer>();
        builder.Services.AddSingleton<PaymentProcessor>();
        builder.Services.AddExceptionHandler<Api.PaymentExceptionHandler>();
        return builder;
    }
}
