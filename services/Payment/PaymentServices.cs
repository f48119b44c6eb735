using ShopDapr.Payment.Domain;
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
        builder.Services.AddDataProtection();
        builder.Services.AddSingleton<ICardCipher, DataProtectionCardCipher>();
        builder.Services.AddSingleton<CardVault>();
        builder.Services.AddSingleton<PaymentEvents>();
        builder.Services.AddSingleton<PaymentAnnouncer>();
        builder.Services.AddSingleton<PaymentProcessor>();
        builder.Services.AddExceptionHandler<Api.PaymentExceptionHandler>();
        return builder;
    }
}
