using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// The sidecars of the running shop, as the run file the fixture wrote names them (each app's <c>daprHTTPPort</c>, the
/// common <c>DAPR_API_TOKEN</c>): lets a test publish onto the shop's pub/sub as one of its apps would, e.g. a raw
/// CloudEvent with a fixed id to deliver one event twice.
/// </summary>
public sealed class ShopSidecars
{
    private readonly Dictionary<string, int> _httpPorts;
    private readonly Dictionary<string, int> _grpcPorts;
    private readonly string _apiToken;

    private ShopSidecars(Dictionary<string, int> httpPorts, Dictionary<string, int> grpcPorts, string apiToken)
    {
        _httpPorts = httpPorts;
        _grpcPorts = grpcPorts;
        _apiToken = apiToken;
    }

    /// <summary>The <c>dapr-api-token</c> every sidecar of the run expects.</summary>
    public string ApiToken => _apiToken;

    /// <summary>An app's sidecar HTTP API (<c>/v1.0/...</c>).</summary>
    public Uri HttpEndpoint(string appId) => new($"http://127.0.0.1:{_httpPorts[appId]}");

    /// <summary>An app's sidecar gRPC API (the Dapr API and the workflow API <c>TaskHubSidecarService</c>).</summary>
    public Uri GrpcEndpoint(string appId) => new($"http://127.0.0.1:{_grpcPorts[appId]}");

    public static ShopSidecars Of(ShopFixture shop)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(shop.WorkDir, "dapr.yaml")))
            stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var token = ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)root["common"])["env"])["DAPR_API_TOKEN"]).Value!;
        var apps = ((YamlSequenceNode)root["apps"]).Children.Cast<YamlMappingNode>().ToList();
        Dictionary<string, int> Ports(string key) => apps.ToDictionary(
            app => ((YamlScalarNode)app["appID"]).Value!,
            app => int.Parse(((YamlScalarNode)app[key]).Value!, CultureInfo.InvariantCulture));
        return new ShopSidecars(Ports("daprHTTPPort"), Ports("daprGRPCPort"), token);
    }

    /// <summary>
    /// Publishes a CloudEvent as given (its <c>id</c>, <c>type</c> and <c>source</c> kept) through <paramref name="appId"/>'s
    /// sidecar: <c>POST /v1.0/publish/pubsub/{topic}</c> with <c>application/cloudevents+json</c>.
    /// </summary>
    public async Task PublishCloudEventAsync(string appId, string topic, string id, string type, object data, CancellationToken ct)
    {
        var cloudEvent = JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id,
            source = appId,
            type,
            datacontenttype = "application/json",
            data,
        }, SagaClient.Json);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPorts[appId]}"), Timeout = TimeSpan.FromSeconds(30) };
        using var publish = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/publish/pubsub/{topic}")
        {
            Content = new StringContent(cloudEvent, Encoding.UTF8),
        };
        publish.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        publish.Headers.Add("dapr-api-token", _apiToken);
        var response = await http.SendAsync(publish, ct);
        Assert.True(response.IsSuccessStatusCode, $"publishing {type} {id} on {topic} through {appId}'s sidecar: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }
}
