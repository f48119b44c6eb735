using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages;

/// <summary>A box of suggested products (<c>_ProductPicks</c>); none is drawn when there are no picks.</summary>
public sealed record ProductPicksView(string Id, string Heading, IReadOnlyList<ProductPick> Picks);
