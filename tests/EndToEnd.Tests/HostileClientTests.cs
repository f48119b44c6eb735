using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// No client's mistakes can hurt another (issue 11, items 1–2), through the real gateway and sidecars: one client sends
/// 200 requests that are its own mistakes across every public route — unknown products and orders, wrong passwords
/// against another's account and the admin's, forged tokens, malformed bodies, another role's routes — and gets a 4xx
/// for each; right after, other clients' valid requests on those routes all succeed, and the attacked accounts' owners
/// sign in. (A circuit breaker counting 4xx, or a lock per account, fails this.) Each client has its own address: the
/// test shop's gateway trusts loopback as a proxy, so X-Forwarded-For names the client.
/// </summary>
public sealed class HostileClientTests(ShopFixture shop)
{
    private const string Mallory = "203.0.113.66";
    private const string Password = "Corr3ct-Horse-Battery";

    /// <summary>A well-formed ES256 token signed by no key of the shop's (admin role claimed).</summary>
    private const string ForgedToken =
        "eyJhbGciOiJFUzI1NiIsImtpZCI6ImZvcmdlZCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtYWxsb3J5Iiwicm9sZSI6ImFkbWluIiwiZXhwIjo0MTAyNDQ0ODAwfQ.AAAA";

    private readonly SagaClient _api = new(shop);

    [Fact]
    public async Task Two_hundred_client_mistakes_on_every_public_route_do_not_degrade_service_for_anyone_else()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var (victim, victimEmail) = await _api.NewCustomerAsync("victim", ct);
        var (mallory, _) = await _api.NewCustomerAsync("mallory", ct);
        var product = (await _api.CheapProductsAsync(1, 100m, ct))[0];
        var adminEmail = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(shop.RepoRoot, "components/local/secrets.json"), ct))!["admin-email"]!.GetValue<string>();

        var mistakes = new Func<HttpRequestMessage>[]
        {
            () => Json(HttpMethod.Get, $"/api/catalog/products/{Guid.NewGuid()}", null, null),                       // 404
            () => Json(HttpMethod.Post, "/api/identity/login", null, new { email = victimEmail, password = "Wrong-pass-1" }),   // 401, then 429
            () => Json(HttpMethod.Post, "/api/identity/login", null, new { email = adminEmail, password = "Wrong-pass-1" }),    // 401, then 429
            () => Json(HttpMethod.Post, "/api/identity/login", null, new { email = $"ghost-{Guid.NewGuid():N}@example.com", password = "Wrong-pass-1" }),
            () => Raw(HttpMethod.Post, "/api/identity/login", null, "{not json"),                                   // 400
            () => Json(HttpMethod.Post, "/api/identity/register", null, new { email = victimEmail, password = Password, name = "Copy" }), // 409
            () => Json(HttpMethod.Post, "/api/identity/register", null, new { email = "weak@example.com", password = "abc", name = "W" }), // 422
            () => Json(HttpMethod.Get, "/api/identity/me", ForgedToken, null),                                       // 401
            () => Json(HttpMethod.Get, "/api/catalog/search?q=" + new string('x', 5000), null, null),                // 4xx
            () => Json(HttpMethod.Post, "/api/catalog/products", mallory, new { name = "Mine" }),                     // 403
            () => Json(HttpMethod.Get, "/api/cart", ForgedToken, null),                                              // 401
            () => Json(HttpMethod.Post, "/api/cart/items", mallory, new { productId = Guid.NewGuid(), quantity = 1 }), // 404/422
            () => Raw(HttpMethod.Post, "/api/cart/items", mallory, "[1,2,3]"),                                       // 400
            () => Json(HttpMethod.Post, "/api/cart/checkout", mallory, new { }),                                     // 4xx (no key, no body)
            () => Json(HttpMethod.Get, $"/api/orders/{Guid.NewGuid()}", mallory, null),                               // 404
            () => Json(HttpMethod.Post, $"/api/orders/{Guid.NewGuid()}/cancel", mallory, null),                       // 404
            () => Json(HttpMethod.Post, $"/api/orders/{Guid.NewGuid()}/approval", mallory, new { approved = true }), // 403
            () => Json(HttpMethod.Get, "/api/orders", ForgedToken, null),                                            // 401
            () => Json(HttpMethod.Put, $"/api/inventory/{Uri.EscapeDataString(product.Sku)}", mallory, new { onHand = 0 }), // 403
            () => Json(HttpMethod.Put, $"/api/inventory/{Uri.EscapeDataString(product.Sku)}", ForgedToken, new { onHand = 0 }), // 401
            () => Json(HttpMethod.Post, $"/api/shipping/{Guid.NewGuid()}/delivered", mallory, null),                  // 403
            () => Json(HttpMethod.Get, "/api/payments/ledger", mallory, null),                                       // 403
        };

        var answers = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            using var request = mistakes[i % mistakes.Length]();
            request.Headers.Add("X-Forwarded-For", Mallory);
            using var response = await shop.Http.SendAsync(request, ct);
            answers.Add($"{request.Method} {request.RequestUri} {(int)response.StatusCode}");
            Assert.True((int)response.StatusCode is >= 400 and < 500,
                $"mistake {i}: {request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }

        // Right after (every breaker would still be open): others' valid requests on the same routes all succeed.
        var others = new (string Client, Func<HttpRequestMessage> Request)[]
        {
            ("198.51.100.7", () => Json(HttpMethod.Post, "/api/identity/login", null, new { email = victimEmail, password = Password })),
            ("198.51.100.8", () => Json(HttpMethod.Post, "/api/identity/register", null, new { email = $"other-{Guid.NewGuid():N}@example.com", password = Password, name = "Other" })),
            ("198.51.100.9", () => Json(HttpMethod.Get, $"/api/catalog/products/{product.Id}", null, null)),
            ("198.51.100.9", () => Json(HttpMethod.Get, "/api/catalog/search?q=headphones&pageSize=3", null, null)),
            ("198.51.100.7", () => Json(HttpMethod.Get, "/api/identity/me", victim, null)),
            ("198.51.100.7", () => Json(HttpMethod.Post, "/api/cart/items", victim, new { productId = product.Id, quantity = 1 })),
            ("198.51.100.7", () => Json(HttpMethod.Get, "/api/cart", victim, null)),
            ("198.51.100.7", () => Json(HttpMethod.Get, "/api/orders", victim, null)),
            ("198.51.100.9", () => Json(HttpMethod.Get, $"/api/inventory/{Uri.EscapeDataString(product.Sku)}", null, null)),
            ("198.51.100.10", () => Json(HttpMethod.Get, "/api/payments/ledger", admin, null)),
        };
        foreach (var (client, make) in others)
        {
            using var request = make();
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await shop.Http.SendAsync(request, ct);
            Assert.True(response.IsSuccessStatusCode,
                $"{request.Method} {request.RequestUri} from {client}: {(int)response.StatusCode} " +
                $"{await response.Content.ReadAsStringAsync(ct)}\nafter:\n{string.Join('\n', answers.Distinct())}");
        }
        var adminAgain = Json(HttpMethod.Post, "/api/identity/login", null, new { email = adminEmail, password = AdminPassword() });
        adminAgain.Headers.Add("X-Forwarded-For", "198.51.100.11");
        Assert.Equal(HttpStatusCode.OK, (await shop.Http.SendAsync(adminAgain, ct)).StatusCode);

        // And the attacker, for its part, is held back on the account it guessed at. How far its 200 mistakes got depends
        // on the machine's speed (the waits between guesses grow with time), so it goes on guessing, waiting out each short
        // delay it is told, until identity locks it out of that account: then not even the right password lets it in,
        // while the owner still signs in from elsewhere.
        var locked = await GuessUntilLockedOutAsync(victimEmail, ct);
        Assert.True(locked >= TimeSpan.FromMinutes(1), $"the attacker was held back for {locked} only");
        using var rightPassword = Json(HttpMethod.Post, "/api/identity/login", null, new { email = victimEmail, password = Password });
        rightPassword.Headers.Add("X-Forwarded-For", Mallory);
        using var held = await shop.Http.SendAsync(rightPassword, ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.Contains("Too many failed logins", await held.Content.ReadAsStringAsync(ct));
        Assert.True(held.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(1), $"Retry-After {held.Headers.RetryAfter}");
        using var owner = Json(HttpMethod.Post, "/api/identity/login", null, new { email = victimEmail, password = Password });
        owner.Headers.Add("X-Forwarded-For", "198.51.100.7");
        Assert.Equal(HttpStatusCode.OK, (await shop.Http.SendAsync(owner, ct)).StatusCode);
    }

    /// <summary>
    /// Mallory's wrong passwords for <paramref name="email"/> until identity answers with a lock of a minute or more (its
    /// Retry-After); a shorter wait (identity's growing delays, or the gateway's per-client budget) is waited out as told.
    /// </summary>
    private async Task<TimeSpan> GuessUntilLockedOutAsync(string email, CancellationToken ct)
    {
        for (var guess = 0; guess < 20; guess++)
        {
            using var request = Json(HttpMethod.Post, "/api/identity/login", null, new { email, password = $"Wrong-pass-{guess}" });
            request.Headers.Add("X-Forwarded-For", Mallory);
            using var response = await shop.Http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                continue;
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta is not null, "a 429 without Retry-After");
            var wait = response.Headers.RetryAfter!.Delta!.Value;
            if (wait >= TimeSpan.FromMinutes(1))
                return wait;
            await Task.Delay(wait + TimeSpan.FromMilliseconds(50), ct);
        }
        Assert.Fail("20 wrong passwords in a row never locked the guesser out");
        return TimeSpan.Zero;
    }

    private string AdminPassword() =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(shop.RepoRoot, "components/local/secrets.json")))!["admin-password"]!.GetValue<string>();

    private static HttpRequestMessage Json(HttpMethod method, string path, string? token, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return request;
    }

    private static HttpRequestMessage Raw(HttpMethod method, string path, string? token, string body)
    {
        var request = Json(method, path, token, null);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }
}
