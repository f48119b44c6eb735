using ShopDapr.Shipping.Infrastructure;

namespace ShopDapr.Shipping;

public static class ShippingServices
{
    public static IHostApplicationBuilder AddShippingServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ShipmentStore>();
        builder.Services.AddSingleton<ShipmentService>();
        builder.Services.AddExceptionHandler<Api.ShippingExceptionHandler>();
        return builder;
    }
}
