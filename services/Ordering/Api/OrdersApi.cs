using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Common;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Domain;
using ShopDapr.Ordering.Infrastructure;
using ShopDapr.Ordering.Workflows;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Ordering.Api;

/// <summary>
/// <c>/api/orders</c>: a customer sees and cancels their own orders (another customer's order reads as 404);
/// an admin sees all and decides held orders.
/// </summary>
public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization();
        api.MapGet("/", ListOrders);
        api.MapGet("/{id:guid}", GetOrder);
        api.MapGet("/{id:guid}/history", GetHistory);
        api.MapPost("/{id:guid}/cancel", CancelOrder).RequireAuthorization(ShopNames.Policies.Customer);
        api.MapPost("/{id:guid}/approval", DecideApproval).RequireAuthorization(ShopNames.Policies.Admin);
        return routes;
    }

    public static async Task<Results<Ok<PagedList<OrderView>>, ValidationProblem>> ListOrders(
        ClaimsPrincipal user, OrderEventStore events, IdLists lists, CancellationToken cancellationToken, int page = 1, int pageSize = 20)
    {
        if (Paging.Check(page, pageSize) is { } bad)
            return bad;
        // Newest first, reading only the index pages this page reaches (the indexes are paged; see OrderIndex).
        var skip = (int)Math.Min((long)(page - 1) * pageSize, int.MaxValue);
        var (ids, total) = IsAdmin(user)
            ? await lists.ReadAllOrdersAsync(skip, pageSize, cancellationToken)
            : await lists.ReadCustomerOrdersAsync(Subject(user), skip, pageSize, cancellationToken);
        var items = new List<OrderView>();
        foreach (var id in ids)
            if (await events.LoadAsync(id, cancellationToken) is { } order && MayRead(user, order))
                items.Add(OrderView.From(order));
        return TypedResults.Ok(new PagedList<OrderView>(items, total, page, pageSize));
    }

    public static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetOrder(
        Guid id, ClaimsPrincipal user, OrderEventStore events, CancellationToken cancellationToken) =>
        await events.LoadAsync(id, cancellationToken) is { } order && MayRead(user, order)
            ? TypedResults.Ok(OrderView.From(order))
            : NotFound(id);

    public static async Task<Results<Ok<IReadOnlyList<OrderHistoryEntry>>, ProblemHttpResult>> GetHistory(
        Guid id, ClaimsPrincipal user, OrderEventStore events, CancellationToken cancellationToken)
    {
        var stream = await events.ReadAsync(id, cancellationToken);
        var history = stream?.Decoded().ToList() ?? [];
        if (Order.Rebuild(history) is not { } order || !MayRead(user, order))
            return NotFound(id);
        IReadOnlyList<OrderHistoryEntry> entries = [.. history.Select(e => new OrderHistoryEntry(e.Version, e.GetType().Name, e.OccurredAt, e))];
        return TypedResults.Ok(entries);
    }

    /// <summary>
    /// A customer may cancel their order before it is paid (Submitted, AwaitingApproval, StockReserved): 202, and the
    /// workflow stops at its next step and undoes what it did. Paid or later is 409: the saga finishes, then returns go
    /// through support. A cancel that races the payment loses: the workflow checks before charging, not after.
    /// </summary>
    public static async Task<Results<Accepted<OrderActionAccepted>, ProblemHttpResult>> CancelOrder(
        Guid id, CancelOrderRequest? request, ClaimsPrincipal user, OrderEventStore events, IOrderWorkflows workflows, CancellationToken cancellationToken)
    {
        if (await events.LoadAsync(id, cancellationToken) is not { } order || order.CustomerId != Subject(user))
            return NotFound(id);
        if (!order.CustomerMayCancel)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The order can no longer be cancelled",
                detail: $"Order {id} is {order.Status}; only an order not yet paid can be cancelled.");
        await workflows.RaiseCancelAsync(id, new CancelRequest(Subject(user), request?.Reason), cancellationToken);
        return TypedResults.Accepted($"/api/orders/{id}", new OrderActionAccepted(id, "cancel"));
    }

    public static async Task<Results<Accepted<OrderActionAccepted>, ValidationProblem, ProblemHttpResult>> DecideApproval(
        Guid id, ApprovalRequest request, OrderEventStore events, IOrderWorkflows workflows, CancellationToken cancellationToken)
    {
        if (request.Approved is not { } approved)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["approved"] = ["approved (true or false) is required."] },
                title: "The request is malformed");
        if (await events.LoadAsync(id, cancellationToken) is not { } order)
            return NotFound(id);
        if (order.Status != OrderStatus.AwaitingApproval)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The order is not awaiting approval",
                detail: $"Order {id} is {order.Status}.");
        await workflows.RaiseApprovalAsync(id, new ApprovalDecision(approved, request.Reason), cancellationToken);
        return TypedResults.Accepted($"/api/orders/{id}", new OrderActionAccepted(id, approved ? "approve" : "reject"));
    }

    private static bool MayRead(ClaimsPrincipal user, Order order) => IsAdmin(user) || order.CustomerId == Subject(user);

    private static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole(ShopNames.Roles.Admin);

    private static string Subject(ClaimsPrincipal user) =>
        user.FindFirst(ShopNames.ClaimTypes.Subject)?.Value is { Length: > 0 } subject
            ? subject
            : throw new InvalidOperationException("An authorised token has no subject.");

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found", detail: $"There is no order {id} for you.");
}
