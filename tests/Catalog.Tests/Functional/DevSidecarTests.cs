
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Dapr;
using Dapr.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.Catalog.Domain;
using ShopDapr.Contracts.Catalog;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Auth;
using static ShopDapr.Catalog.Tests.Functional.CatalogAppFactory;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>
/// The catalog unchanged on the real in-process dev sidecar (state.in-memory, pubsub.in-memory), reached by the
/// official DaprClient through DAPR_HTTP_ENDPOINT / DAPR_GRPC_ENDPOINT. Skips, saying which, while the sidecar
/// on this branch does not serve an API the catalog needs yet.
/// </summary>
public sealed class DevSidecarTests
{
    private const int Count = 150;

    [Fact]
    public async Task On_the_dev_sidecar_the_catalog_seeds_lists_edits_with_etags_and_follows_catalog_events()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("catalog-sidecar-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "statestore.yaml"), Component(ShopNames.Components.StateStore, "state.in-memory"), ct);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "pubsub.yaml"), Component(ShopNames.Components.PubSub, "pubsub.in-memory"), ct);
            var (httpPort, grpcPort) = (FreePort(), FreePort());
            using var tokens = new TestTokens();
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("DAPR_HTTP_ENDPOINT", $"http://127.0.0.1:{httpPort}");
                b.UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{grpcPort}");
                b.UseSetting("APP_API_TOKEN", "catalog-app-token"); // without it the sidecar could deliver no event
                b.UseSetting("Catalog:DemoProductCount", Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                b.ConfigureTestServices(s => s.RemoveAll<IJwksHttpClientFactory>().AddSingleton<IJwksHttpClientFactory>(tokens));
            });

            var sidecar = await Sidecar.StartAsync(new SidecarOptions
            {
                AppId = ShopNames.AppIds.Catalog,
                ResourcesPaths = [dir.FullName],
                HttpPort = httpPort,
                GrpcPort = grpcPort,
                AppChannel = AppChannelOptions.FromHandler(factory.Server.CreateHandler()),
                AppApiToken = "catalog-app-token",
            }, cancellationToken: ct);

            await using (sidecar)
            {
                using var rival = Client(sidecar);
                await RunScenarioAsync(factory, tokens, rival, ct);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The app demands its app API token from every caller (health probes aside): the test calls as the sidecar would.</summary>
    private static HttpClient AsSidecar(HttpClient client)
    {
        client.DefaultRequestHeaders.Add("dapr-api-token", "catalog-app-token");
        return client;
    }

    /// <param name="rival">Another replica of the catalog: writes state and publishes on catalog-events behind this app's back.</param>
    private static async Task RunScenarioAsync(WebApplicationFactory<Program> factory, TestTokens tokens, DaprClient rival, CancellationToken ct)
    {
        var client = AsSidecar(factory.CreateClient());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpResponseMessage list;
        while (!(list = await client.GetAsync("/api/catalog/products?pageSize=5", ct)).IsSuccessStatusCode)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the catalog never loaded through the sidecar: {(int)list.StatusCode}");
            await Task.Delay(100, ct);
        }
        Assert.Equal(Count, (await ReadAsync<PageDto>(list, ct)).Total);

        var admin = AsSidecar(factory.CreateClient());
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue("admin-1", ShopNames.Roles.Admin));
        using var created = await admin.PostAsJsonAsync("/api/catalog/products",
            new { sku = "DEV-0001", name = "Sidecar Tested Lantern", category = "outdoors", brand = "Wildcamp", price = 24.5m }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var product = await ReadAsync<ProductDto>(created, ct);

        // Another replica renames it and announces that on catalog-events; the sidecar delivers the event to this app.
        var key = $"product-{product.Id:N}";
        var stored = await rival.GetStateAsync<Product>(ShopNames.Components.StateStore, key, cancellationToken: ct);
        await rival.SaveStateAsync(ShopNames.Components.StateStore, key, stored with { Name = "Renamed Elsewhere Lantern", UpdatedAt = stored.UpdatedAt.AddMinutes(1) }, cancellationToken: ct);
        await rival.PublishEventAsync(ShopNames.Components.PubSub, ShopNames.Topics.CatalogEvents,
            new ProductUpdated(product.Id, product.Sku, "Renamed Elsewhere Lantern", product.Category, product.Brand, product.Price, DateTimeOffset.UtcNow),
            new Dictionary<string, string> { ["cloudevent.type"] = nameof(ProductUpdated) }, ct);
        HttpResponseMessage seen;
        while ((await ReadAsync<ProductDto>(seen = await client.GetAsync($"/api/catalog/products/{product.Id}", ct), ct)).Name != "Renamed Elsewhere Lantern")
        {
            Assert.True(DateTime.UtcNow < deadline.AddSeconds(30), "the catalog-events delivery never refreshed the product");
            await Task.Delay(50, ct);
        }
        var search = await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=elsewhere", ct), ct);
        Assert.Equal([product.Id], search.Items.Select(p => p.Id));

        var update = new { sku = "DEV-0001", name = "Sidecar Tested Lantern II", category = "outdoors", brand = "Wildcamp", price = 26m };
        using var lost = await SendAsync(admin, HttpMethod.Put, product.Id, update, created.Headers.ETag!, ct);
        Assert.Equal(HttpStatusCode.PreconditionFailed, lost.StatusCode);
        using var updated = await SendAsync(admin, HttpMethod.Put, product.Id, update, seen.Headers.ETag!, ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        using var stale = await SendAsync(admin, HttpMethod.Put, product.Id, update, seen.Headers.ETag!, ct);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        using var deleted = await SendAsync(admin, HttpMethod.Delete, product.Id, null, updated.Headers.ETag!, ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/catalog/products/{product.Id}", ct)).StatusCode);
    }

    private static DaprClient Client(Sidecar sidecar) => new DaprClientBuilder()
        .UseGrpcEndpoint(sidecar.GrpcEndpoint.ToString())
        .UseHttpEndpoint(sidecar.HttpEndpoint.ToString())
        .Build();

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, Guid id, object? body, EntityTagHeaderValue etag, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, $"/api/catalog/products/{id}") { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.IfMatch.Add(etag);
        return client.SendAsync(request, ct);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Component(string name, string type) =>
        $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: {type}
          version: v1
        """;
}
