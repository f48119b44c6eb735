using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Cart.Domain;
using ShopDapr.Cart.Infrastructure;
using ShopDapr.Contracts.Cart;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Cart.Api;

/// <summary><c>/api/cart</c>: the signed-in customer's own cart (keyed by the token's subject, never by a client-given id).</summary>
public static class CartApi
{
    public static IEndpointRouteBuilder MapCartApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/cart").WithTags("Cart").RequireAuthorization(ShopNames.Policies.Customer);
        api.MapGet("/", GetCart);
        api.MapPost("/items", AddItem);
        api.MapPut("/items/{productId:guid}", SetQuantity);
        api.MapDelete("/items/{productId:guid}", RemoveItem);
        return routes;
    }

    public static async Task<Ok<CartView>> GetCart(ClaimsPrincipal user, CartStore carts, CancellationToken cancellationToken) =>
        TypedResults.Ok(CartView.From(await carts.GetAsync(CustomerId(user), cancellationToken)));

    public static async Task<Results<Ok<CartView>, ValidationProblem, ProblemHttpResult>> AddItem(
        AddItemRequest request, ClaimsPrincipal user, CartStore carts, CatalogClient catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.ProductId is not { } productId || productId == Guid.Empty || request.Quantity is not { } quantity)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["productId"] = ["A product id and a quantity are required."],
            }, title: "The request is malformed");
        if (CartRules.CheckQuantity(quantity) is { } bad)
            return Broken(bad);

        var product = await catalog.FindProductAsync(productId, cancellationToken);
        if (product is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown product", detail: $"The catalog has no product {productId}.");

        var customerId = CustomerId(user);
        var now = time.GetUtcNow();
        // The cart and its ItemAddedToCart (on user-behavior: the outbox topic of cart's state store) commit together.
        var result = await carts.UpdateAsync(customerId, cart => CartRules.Add(cart, product, quantity, now), cancellationToken,
            announce: _ => new ItemAddedToCart(customerId, product.Id, product.Sku, quantity, product.Price, now));
        return result is CartChange.Changed changed ? TypedResults.Ok(CartView.From(changed.Cart)) : Refused(result);
    }

    public static async Task<Results<Ok<CartView>, ValidationProblem, ProblemHttpResult>> SetQuantity(
        Guid productId, SetQuantityRequest request, ClaimsPrincipal user, CartStore carts, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.Quantity is not { } quantity)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["quantity"] = ["A quantity is required."] },
                title: "The request is malformed");
        var now = time.GetUtcNow();
        var result = await carts.UpdateAsync(CustomerId(user), cart => CartRules.SetQuantity(cart, productId, quantity, now), cancellationToken);
        return result is CartChange.Changed changed ? TypedResults.Ok(CartView.From(changed.Cart)) : Refused(result);
    }

    public static async Task<Results<Ok<CartView>, ProblemHttpResult>> RemoveItem(
        Guid productId, ClaimsPrincipal user, CartStore carts, TimeProvider time, CancellationToken cancellationToken)
    {
        var customerId = CustomerId(user);
        var now = time.GetUtcNow();
        var result = await carts.UpdateAsync(customerId, cart => CartRules.Remove(cart, productId, now), cancellationToken,
            announce: _ => new ItemRemovedFromCart(customerId, productId, now));
        return result is CartChange.Changed changed ? TypedResults.Ok(CartView.From(changed.Cart)) : Refused(result);
    }

    private static string CustomerId(ClaimsPrincipal user) =>
        user.FindFirst(ShopNames.ClaimTypes.Subject)?.Value is { Length: > 0 } subject
            ? subject
            : throw new InvalidOperationException("An authorised customer token has no subject.");

    private static ProblemHttpResult Refused(CartChange result) => result switch
    {
        CartChange.RuleBroken broken => Broken(broken),
        CartChange.LineNotFound missing => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
            title: "Not in the cart", detail: $"The cart has no line for product {missing.ProductId}."),
        _ => throw new InvalidOperationException($"Unexpected cart change {result}."),
    };

    private static ProblemHttpResult Broken(CartChange.RuleBroken broken) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [broken.Field] = [broken.Message] })
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request breaks a cart rule",
        });
}
