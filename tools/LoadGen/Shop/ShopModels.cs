using ShopDapr.LoadGen.Tastes;

namespace ShopDapr.LoadGen.Shop;

/// <summary>The parts of the public API's answers the load generator reads (README's walkthrough, docs/api.md).</summary>
internal sealed record TokenResponse(string AccessToken);

internal sealed record Product(Guid Id, string Sku, string Name, decimal Price, string Category = "");

internal sealed record CategoryView(string Slug, int ProductCount);

internal sealed record ProductPage(List<Product> Items, long Total);

internal sealed record OrderPlaced(Guid OrderId);

internal sealed record OrderView(Guid Id, string Status, string? CancellationReason, DateTimeOffset UpdatedAt);

internal sealed record CartLineView(Guid ProductId, int Quantity);

internal sealed record CartView(List<CartLineView> Lines);

/// <summary>A registered, logged-in customer: one cart, so one journey at a time; with <c>--tastes</c>, its hidden taste.</summary>
internal sealed record Shopper(string Email, string Token, ShopperTaste? Taste = null);

/// <summary>A step of a journey failed (a non-2xx answer, a timeout, a refused connection); already recorded.</summary>
internal sealed class StepFailedException(string message) : Exception(message);
