using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Checkout;

/// <summary>
/// Checkout: shipping address and card. The form carries an Idempotency-Key made when it is rendered, so a double
/// click, a reload or a resubmit of the same form places one order (the API answers a repeat with the first order).
/// </summary>
public sealed class IndexModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    [BindProperty] public CheckoutForm Form { get; set; } = new();

    public CartView? Cart { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        Form.IdempotencyKey = Guid.NewGuid().ToString("N");
        Cart = Take(await Api.CartAsync(ct));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (string.IsNullOrWhiteSpace(Form.IdempotencyKey))
            Form.IdempotencyKey = Guid.NewGuid().ToString("N");
        var placed = await Api.CheckoutAsync(
            new Address(Form.Name, Form.Street, Form.City, Form.PostalCode, Form.Country),
            new Card(Form.CardNumber.Replace(" ", "", StringComparison.Ordinal), Form.Expiry, Form.Cvc),
            Form.IdempotencyKey, ct);
        if (placed.Value is { } order)
            return Redirect($"/orders/{order.OrderId}");
        Problem = placed.Problem;
        // The card number and code are never written back into the page.
        ModelState.Remove($"{nameof(Form)}.{nameof(CheckoutForm.CardNumber)}");
        ModelState.Remove($"{nameof(Form)}.{nameof(CheckoutForm.Cvc)}");
        Form.CardNumber = "";
        Form.Cvc = "";
        Cart = Take(await Api.CartAsync(ct));
        return Page();
    }
}

/// <summary>The checkout form; the API validates every field and answers what is wrong.</summary>
public sealed class CheckoutForm
{
    public string IdempotencyKey { get; set; } = "";

    [Display(Name = "Full name")] public string Name { get; set; } = "";
    [Display(Name = "Street")] public string Street { get; set; } = "";
    [Display(Name = "City")] public string City { get; set; } = "";
    [Display(Name = "Postal code")] public string PostalCode { get; set; } = "";
    [Display(Name = "Country (two letters)")] public string Country { get; set; } = "US";
    [Display(Name = "Card number")] public string CardNumber { get; set; } = "";
    [Display(Name = "Expiry (MM/YY)")] public string Expiry { get; set; } = "";
    [Display(Name = "Security code (CVC)")] public string Cvc { get; set; } = "";
}
