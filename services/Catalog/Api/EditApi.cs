using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.Domain;
using ShopDapr.Catalog.Events;
using ShopDapr.Contracts.Catalog;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Catalog.Api;

/// <summary>
/// Admin edits. Every answer carries the product's ETag; PUT and DELETE need it back in If-Match
/// (missing → 428, stale → 412), so two admins can never overwrite each other unseen.
/// </summary>
internal static class EditApi
{
    public static RouteGroupBuilder MapEditApi(this RouteGroupBuilder group)
    {
        var admin = group.MapGroup("/products").RequireAuthorization(ShopNames.Policies.Admin);
        admin.MapPost("/", CreateProduct).WithName("CreateProduct");
        admin.MapPut("/{id:guid}", UpdateProduct).WithName("UpdateProduct");
        admin.MapDelete("/{id:guid}", DeleteProduct).WithName("DeleteProduct");
        return group;
    }

    public static async Task<Results<CreatedAtRoute<ProductResponse>, ProblemHttpResult>> CreateProduct(
        ProductRequest body, HttpContext http, ProductStore store, ProductCache cache, StockView stock, EventPublisher events,
        TimeProvider time, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        var draft = body.ToDraft();
        var errors = ProductRules.Validate(draft);
        if (errors.Count > 0)
            return ApiProblems.RuleBroken(errors);
        if (!await cache.WaitLoadedAsync(options.Value.LoadWait, cancellationToken))
            return ApiProblems.Loading();
        if (cache.SkuTaken(draft.Sku))
            return ApiProblems.SkuTaken(draft.Sku);

        var now = time.GetUtcNow();
        var saved = await store.CreateAsync(Product.Create(Guid.CreateVersion7(now), draft, now), cancellationToken);
        cache.Set(saved);
        var p = saved.Product;
        await events.PublishAsync(ShopNames.Topics.CatalogEvents,
            new ProductCreated(p.Id, p.Sku, p.Name, p.Category, p.Brand, p.Price.Amount, now), cancellationToken);

        ETags.Write(http.Response, saved.ETag);
        return TypedResults.CreatedAtRoute(ProductResponse.From(p, stock), BrowseApi.GetProductRoute, new { id = p.Id });
    }

    public static async Task<Results<Ok<ProductResponse>, NotFound, ProblemHttpResult>> UpdateProduct(
        Guid id, ProductRequest body, HttpContext http, ProductStore store, ProductCache cache, StockView stock, EventPublisher events,
        TimeProvider time, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
            return ApiProblems.IfMatchRequired();
        var draft = body.ToDraft();
        var errors = ProductRules.Validate(draft);
        if (errors.Count > 0)
            return ApiProblems.RuleBroken(errors);
        if (!await cache.WaitLoadedAsync(options.Value.LoadWait, cancellationToken))
            return ApiProblems.Loading();

        var current = await store.GetAsync(id, cancellationToken);
        if (current is null)
            return TypedResults.NotFound();
        if (current.ETag != ifMatch)
            return ApiProblems.Stale();
        if (cache.SkuTaken(draft.Sku, exceptId: id))
            return ApiProblems.SkuTaken(draft.Sku);

        var now = time.GetUtcNow();
        var saved = await store.TryUpdateAsync(current.Product.Apply(draft, now), ifMatch, cancellationToken);
        if (saved is null)
            return ApiProblems.Stale();
        cache.Set(saved);
        var p = saved.Product;
        await events.PublishAsync(ShopNames.Topics.CatalogEvents,
            new ProductUpdated(p.Id, p.Sku, p.Name, p.Category, p.Brand, p.Price.Amount, now), cancellationToken);

        ETags.Write(http.Response, saved.ETag);
        return TypedResults.Ok(ProductResponse.From(p, stock));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteProduct(
        Guid id, HttpContext http, ProductStore store, ProductCache cache, EventPublisher events, TimeProvider time,
        IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
            return ApiProblems.IfMatchRequired();
        if (!await cache.WaitLoadedAsync(options.Value.LoadWait, cancellationToken))
            return ApiProblems.Loading();

        var current = await store.GetAsync(id, cancellationToken);
        if (current is null)
            return TypedResults.NotFound();
        if (current.ETag != ifMatch || !await store.TryDeleteAsync(id, ifMatch, cancellationToken))
            return ApiProblems.Stale();
        cache.Remove(id);
        await events.PublishAsync(ShopNames.Topics.CatalogEvents,
            new ProductDeleted(id, current.Product.Sku, time.GetUtcNow()), cancellationToken);
        return TypedResults.NoContent();
    }
}
