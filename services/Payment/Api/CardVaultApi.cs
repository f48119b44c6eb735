using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Infrastructure;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Payment.Api;

/// <summary>
/// <c>POST /internal/cards</c> (cart → payment through the sidecar, once per checkout): checks the card with the shared
/// <see cref="CheckoutRules"/>, vaults it and answers 201 <see cref="VaultedCard"/>; 400 naming the field when the card is
/// malformed. The only route that ever receives a card number or a CVC. The CVC is checked here, when the card is
/// tokenised, as a real provider checks it: the simulated provider's check is the shape (3 or 4 digits), so every
/// well-formed CVC passes. Then it is dropped — not vaulted, not logged, not passed on; charges by token go without it.
/// </summary>
public static class CardVaultApi
{
    public static IEndpointRouteBuilder MapCardVaultApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(PaymentRoutes.Cards, VaultCard).WithTags("Payments (internal)").RequireAuthorization(ShopNames.Policies.DaprSidecar);
        return routes;
    }

    public static async Task<Results<Created<VaultedCard>, ValidationProblem>> VaultCard(CardDetails? card, CardVault vault, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        CheckoutRules.CheckCard(card, errors);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The card is malformed");
        var vaulted = await vault.VaultAsync(card!, cancellationToken);
        return TypedResults.Created((string?)null, vaulted);
    }
}
