using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Data;

/// <summary>A product as stored, with the state store's ETag of that version.</summary>
public sealed record VersionedProduct(Product Product, string ETag);
