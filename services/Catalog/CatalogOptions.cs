using System.ComponentModel.DataAnnotations;
using ShopDapr.Catalog.DemoData;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Catalog;

/// <summary>The catalog's own settings (section <c>Catalog</c>).</summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    /// <summary>Load the demo catalog into an empty store on first start.</summary>
    public bool SeedDemoCatalog { get; set; } = true;

    [Range(0, 200_000)]
    public int DemoProductCount { get; set; } = DemoCatalogGenerator.DefaultCount;

    public int DemoSeed { get; set; } = DemoCatalogGenerator.DefaultSeed;

    /// <summary>How long a read waits for the catalog to finish loading at start-up before answering 503.</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan LoadWait { get; set; } = TimeSpan.FromSeconds(10);
}
