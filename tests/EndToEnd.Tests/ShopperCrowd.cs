using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>One shopper of a crowd: their token and the product (one unit) in their cart.</summary>
public sealed record Shopper(int Index, string Token, Product Product);

/// <summary>An order a checkout placed, with the shopper who may read it.</summary>
public sealed record PlacedOrder(Shopper Shopper, Guid OrderId);

/// <summary>
/// Many shoppers at once through the gateway, behaving as real clients do: a 429 waits its Retry-After, and a checkout
/// that fails on the way (5xx, timeout, connection lost while an app restarts) is sent again with the SAME
/// Idempotency-Key. A request that is not idempotent (register, add to cart) is resent only after a 429, which says it
/// was not processed. Any other answer a client cannot retry (a 4xx) fails the test. Registering and logging in come from
/// one IP address here, so they share the gateway's per-IP rate limit where a real crowd would not: a 429 is waited out.
/// </summary>
public sealed class ShopperCrowd(SagaClient api)
{
    private const string Password = "Corr3ct-Horse-Battery";
    private static readonly TimeSpan RetryBudget = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, int> _resent = new();

    /// <summary>What made requests be sent again, e.g. "POST /api/cart/checkout 503: 12" (a figure for the test output).</summary>
    public string Resent => _resent.IsEmpty ? "no request resent" : "resent: " + string.Join(", ", _resent.OrderBy(r => r.Key).Select(r => $"{r.Key}: {r.Value}"));

    /// <summary>Registers and logs in <paramref name="count"/> new customers, each with one unit of <paramref name="pick"/>(i) in the cart.</summary>
    public async Task<Shopper[]> ArriveAsync(int count, string name, Func<int, Product> pick, CancellationToken ct)
    {
        // A few at a time: registration hashes a password (CPU), and the one IP's rate limit would only bounce the rest.
        using var gate = new SemaphoreSlim(8);
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var email = $"{name}{i}-{Guid.NewGuid():N}@example.com";
                await SendAsync(() => Json(HttpMethod.Post, "/api/identity/register", null, new { email, password = Password, name = $"{name} {i}" }),
                    HttpStatusCode.Created, ct, idempotent: false);
                var login = await SendAsync(() => Json(HttpMethod.Post, "/api/identity/login", null, new { email, password = Password }), HttpStatusCode.OK, ct);
                var token = (await login.Content.ReadFromJsonAsync<TokenResponse>(SagaClient.Json, ct))!.AccessToken;
                var product = pick(i);
                await SendAsync(() => Json(HttpMethod.Post, "/api/cart/items", token, new { productId = product.Id, quantity = 1 }), HttpStatusCode.OK, ct, idempotent: false);
                return new Shopper(i, token, product);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>
    /// Every shopper checks out at once (one key each, resent on a transient failure). Each order goes into
    /// <paramref name="placed"/> the moment its checkout is accepted, so a test can watch orders while others are still placed.
    /// </summary>
    public Task CheckoutAllAsync(IEnumerable<Shopper> shoppers, ConcurrentBag<PlacedOrder> placed, CancellationToken ct) =>
        Task.WhenAll(shoppers.Select(async shopper =>
        {
            var key = Guid.NewGuid().ToString();
            var answer = await SendAsync(() =>
            {
                var checkout = Json(HttpMethod.Post, "/api/cart/checkout", shopper.Token, new
                {
                    shippingAddress = new { name = "Ada Shopper", street = "1 Main Street", city = "Springfield", postalCode = "12345", country = "US" },
                    card = new { number = SagaClient.ApprovingCard, expiry = "12/34", cvc = "123" },
                });
                checkout.Headers.Add("Idempotency-Key", key);
                return checkout;
            }, HttpStatusCode.Accepted, ct, alsoAccept: HttpStatusCode.OK); // 200: a resent checkout whose first attempt got through
            var orderId = (await answer.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId;
            placed.Add(new PlacedOrder(shopper, orderId));
        }));

    /// <summary>One look at each order (in parallel, a few at a time); an order whose read failed (its app is down) is left out.</summary>
    public async Task<Dictionary<Guid, Order>> LookAsync(IEnumerable<PlacedOrder> orders, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(16);
        var seen = new ConcurrentDictionary<Guid, Order>();
        await Task.WhenAll(orders.Select(async o =>
        {
            await gate.WaitAsync(ct);
            try
            {
                using var get = Json(HttpMethod.Get, $"/api/orders/{o.OrderId}", o.Shopper.Token);
                using var response = await api.Http.SendAsync(get, ct);
                if (response.IsSuccessStatusCode)
                    seen[o.OrderId] = (await response.Content.ReadFromJsonAsync<Order>(SagaClient.Json, ct))!;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // unknown this round
            }
            finally
            {
                gate.Release();
            }
        }));
        return new Dictionary<Guid, Order>(seen);
    }

    /// <summary>Polls until every order is Completed or Cancelled; fails naming the ones still open and their last status.</summary>
    public async Task<List<Order>> AwaitAllTerminalAsync(IReadOnlyCollection<PlacedOrder> orders, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var done = new Dictionary<Guid, Order>();
        var last = new Dictionary<Guid, Order>();
        while (true)
        {
            foreach (var (id, order) in await LookAsync(orders.Where(o => !done.ContainsKey(o.OrderId)), ct))
            {
                last[id] = order;
                if (order.Status is "Completed" or "Cancelled")
                    done[id] = order;
            }
            if (done.Count == orders.Count)
                return [.. orders.Select(o => done[o.OrderId])];
            if (clock.Elapsed > limit)
            {
                var open = orders.Where(o => !done.ContainsKey(o.OrderId))
                    .GroupBy(o => last.TryGetValue(o.OrderId, out var seen) ? seen.Status : "(unreadable)")
                    .Select(g => $"{g.Count()} {g.Key} (e.g. {g.First().OrderId})");
                Assert.Fail($"{orders.Count - done.Count} of {orders.Count} orders are not finished after {limit}: {string.Join(", ", open)}\n{api.LogTail()}");
            }
            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary>A GET sent until it answers 200 (then read) or 404 (then null), waiting out 429s and retrying failures.</summary>
    public async Task<T?> GetOrNullAsync<T>(string token, string path, CancellationToken ct)
        where T : class
    {
        using var answer = await SendAsync(() => Json(HttpMethod.Get, path, token), HttpStatusCode.OK, ct, alsoAccept: HttpStatusCode.NotFound);
        return answer.StatusCode == HttpStatusCode.NotFound ? null : await answer.Content.ReadFromJsonAsync<T>(SagaClient.Json, ct);
    }

    /// <summary>Sends until the answer is <paramref name="expected"/>, waiting out 429s and (if idempotent) retrying 5xx and lost connections.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, HttpStatusCode expected, CancellationToken ct,
        HttpStatusCode? alsoAccept = null, bool idempotent = true)
    {
        var clock = Stopwatch.StartNew();
        var attempt = 0;
        string lastFailure;
        while (true)
        {
            TimeSpan wait;
            string cause;
            using var request = make();
            try
            {
                var response = await api.Http.SendAsync(request, ct);
                if (response.StatusCode == expected || response.StatusCode == alsoAccept)
                    return response;
                lastFailure = await api.DescribeAsync(response);
                cause = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                else if ((int)response.StatusCode >= 500 && idempotent)
                    wait = Backoff(++attempt);
                else
                {
                    Assert.Fail($"{request.Method} {request.RequestUri}: {lastFailure}");
                    throw new UnreachableException();
                }
                response.Dispose();
            }
            catch (Exception e) when (idempotent && e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                lastFailure = e.Message; // the connection was lost or the answer took longer than the client waits
                cause = e.GetType().Name;
                wait = Backoff(++attempt);
            }
            if (clock.Elapsed > RetryBudget)
                Assert.Fail($"{request.Method} {request.RequestUri} kept failing for {RetryBudget}: {lastFailure}");
            var path = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString;
            var route = string.Join('/', path.Split('/').Select(s => Guid.TryParse(s, out _) ? "{id}" : s));
            _resent.AddOrUpdate($"{request.Method} {route} {cause}", 1, (_, n) => n + 1);
            await Task.Delay(wait + wait * Random.Shared.NextDouble() / 2, ct);
        }
    }

    /// <summary>Exponential, as a polite client backs off an overloaded shop: 0.5, 1, 2, 4, then 8 s (plus up to half again, at random).</summary>
    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(500 * Math.Pow(2, Math.Min(attempt, 5) - 1));

    private static HttpRequestMessage Json(HttpMethod method, string path, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return request;
    }

    private sealed record TokenResponse(string AccessToken);
}
