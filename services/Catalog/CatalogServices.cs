using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.Events;
using ShopDapr.Catalog.Search;

namespace ShopDapr.Catalog;

/// <summary>The catalog's own services: state access, the hot cache with its search index, events, start-up loading.</summary>
public static class CatalogServices
{
    public static IHostApplicationBuilder AddCatalogServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogOptions>()
            .BindConfiguration(CatalogOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProductIndex>();
        builder.Services.AddSingleton<ProductCache>();
        builder.Services.AddSingleton<ProductStore>();
        builder.Services.AddSingleton<StockView>();
        builder.Services.AddSingleton<StockStore>();
        builder.Services.AddSingleton<StockEventHandler>();
        builder.Services.AddSingleton<EventPublisher>();
        builder.Services.AddHostedService<CatalogLoader>();
        builder.Services.AddHealthChecks().AddCheck<CatalogLoadedHealthCheck>("catalog-loaded");
        return builder;
    }
}
