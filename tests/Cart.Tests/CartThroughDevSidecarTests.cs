using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.Testing;

namespace ShopDapr.Cart.Tests;

/// <summary>
/// Cart behind the REAL dev sidecar: called by the gateway's sidecar (access control of components/local/config.yaml,
/// app API token), pricing through its own sidecar from a recording catalog app, with its real DaprClient on the
/// sidecar's in-memory state store and pub/sub.
/// </summary>
public sealed class CartThroughDevSidecarTests : IAsyncLifetime
{
    private const string CartDaprToken = "cart-dapr-api-token";
    private const string CartAppToken = "cart-app-api-token";
    private readonly DevSidecars _sidecars = new(new Dictionary<string, string>
    {
        ["pubsub.yaml"] = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: pubsub\nspec:\n  type: pubsub.in-memory\n  version: v1\n  metadata: []\n",
        // As components/*/statestore.yaml give cart: carts in the store whose outbox publishes on user-behavior.
        ["outbox.yaml"] = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore-user-behavior\nspec:\n  type: state.in-memory\n  version: v1\n  metadata:\n    - name: outboxPublishPubsub\n      value: pubsub\n    - name: outboxPublishTopic\n      value: user-behavior\n    - name: outboxDiscardWhenMissingState\n      value: \"true\"\n",
    });
    private readonly LateHandler _cartChannel = new();
    private readonly Guid _productId = Guid.NewGuid();
    private RecordingApp _catalog = null!;
    private CartApp _cart = null!;
    private HttpClient _gatewaySidecar = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _catalog = await RecordingApp.StartAsync(Ct);
        _catalog.Respond = (method, path) => method == "GET" && path == $"/api/catalog/products/{_productId}"
            ? (200, $$"""{"id":"{{_productId}}","sku":"HAM-1","name":"Hammer","price":12.5,"available":3}""")
            : (404, """{"status":404}""");
        await _sidecars.StartAsync("catalog", _catalog.CreateHandler(), cancellationToken: Ct);
        var cartSidecar = await _sidecars.StartAsync("cart", _cartChannel, apiToken: CartDaprToken, appApiToken: CartAppToken, cancellationToken: Ct);
        var gatewaySidecar = await _sidecars.StartAsync("gateway", cancellationToken: Ct);

        _cart = new CartApp();
        _cart.Settings["DAPR_HTTP_ENDPOINT"] = cartSidecar.HttpEndpoint.ToString();
        _cart.Settings["DAPR_GRPC_ENDPOINT"] = cartSidecar.GrpcEndpoint.ToString();
        _cart.Settings["DAPR_API_TOKEN"] = CartDaprToken;
        _cart.Settings["APP_API_TOKEN"] = CartAppToken;
        _cartChannel.InnerHandler = _cart.Server.CreateHandler();
        _gatewaySidecar = new HttpClient { BaseAddress = gatewaySidecar.HttpEndpoint };
    }

    public async ValueTask DisposeAsync()
    {
        _gatewaySidecar.Dispose();
        await _cart.DisposeAsync();
        await _sidecars.DisposeAsync();
        await _catalog.DisposeAsync();
    }

    [Fact]
    public async Task Adding_through_the_sidecars_prices_the_line_from_the_catalog_app()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/cart/items") { Content = JsonContent.Create(new { productId = _productId, quantity = 2 }) };
        request.Headers.Add("dapr-app-id", "cart");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _cart.Tokens.Customer("c-real"));
        var response = await _gatewaySidecar.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cart = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(25.0m, cart.GetProperty("total").GetDecimal());
        Assert.Equal("Hammer", cart.GetProperty("lines")[0].GetProperty("name").GetString());
        Assert.Contains(_catalog.Received, r => r.Path == $"/api/catalog/products/{_productId}");
    }

    [Fact]
    public async Task Concurrent_adds_to_one_cart_all_land_in_real_state()
    {
        var products = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();
        _catalog.Respond = (method, path) => products.FirstOrDefault(p => path == $"/api/catalog/products/{p}") is var id && id != Guid.Empty
            ? (200, $$"""{"id":"{{id}}","sku":"S-{{id:N}}","name":"P","price":1.25,"available":3}""")
            : (404, null);
        var token = _cart.Tokens.Customer("c-busy");
        var responses = await Task.WhenAll(products.Select(id =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/cart/items") { Content = JsonContent.Create(new { productId = id, quantity = 1 }) };
            request.Headers.Add("dapr-app-id", "cart");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return _gatewaySidecar.SendAsync(request, Ct);
        }));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var get = new HttpRequestMessage(HttpMethod.Get, "/api/cart");
        get.Headers.Add("dapr-app-id", "cart");
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var cart = await (await _gatewaySidecar.SendAsync(get, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(products.Order(), cart.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("productId").GetGuid()).Order());
        Assert.Equal(10.00m, cart.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task Unknown_product_through_the_sidecars_is_404_problem()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/cart/items") { Content = JsonContent.Create(new { productId = Guid.NewGuid(), quantity = 1 }) };
        request.Headers.Add("dapr-app-id", "cart");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _cart.Tokens.Customer("c-real"));
        var response = await _gatewaySidecar.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Unknown product", (await response.ReadProblemAsync(Ct)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_call_to_the_app_without_the_app_api_token_is_401()
    {
        var direct = await _cart.ClientWith(_cart.Tokens.Customer("c-real")).WithoutAppToken().GetAsync("/api/cart", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        await direct.ReadProblemAsync(Ct);
        var client = _cart.ClientWith(_cart.Tokens.Customer("c-real")).WithoutAppToken();
        client.DefaultRequestHeaders.Add("dapr-api-token", CartAppToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cart", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _cart.ClientWith(null).GetAsync("/alive", Ct)).StatusCode);
    }

    [Fact]
    public async Task Access_control_lets_cart_only_read_products_from_the_catalog()
    {
        using var cartSidecar = new HttpClient { BaseAddress = _sidecars.Cluster.Resolve("cart")!.HttpEndpoint };
        cartSidecar.DefaultRequestHeaders.Add("dapr-api-token", CartDaprToken);
        Assert.Equal(HttpStatusCode.OK, (await cartSidecar.GetAsync($"/v1.0/invoke/catalog/method/api/catalog/products/{_productId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cartSidecar.PostAsync("/v1.0/invoke/catalog/method/api/catalog/products", JsonContent.Create(new { }), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cartSidecar.DeleteAsync($"/v1.0/invoke/catalog/method/api/catalog/products/{_productId}", Ct)).StatusCode);
        Assert.DoesNotContain(_catalog.Received, r => r.Method != "GET");
    }

    private sealed class CartApp : ShopAppFactory<Program>;

    /// <summary>
    /// The sidecar needs its app channel before the app (which needs the sidecar's address) exists: calls wait until
    /// the app is assigned, as daprd's calls wait for the app port.
    /// </summary>
    private sealed class LateHandler : HttpMessageHandler
    {
        private readonly TaskCompletionSource<HttpMessageInvoker> _app = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HttpMessageHandler InnerHandler
        {
            set => _app.SetResult(new HttpMessageInvoker(value));
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            await (await _app.Task.WaitAsync(cancellationToken)).SendAsync(request, cancellationToken);
    }
}
