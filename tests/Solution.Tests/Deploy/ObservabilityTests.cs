using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace ShopDapr.Solution.Tests.Deploy;

/// <summary>
/// The apps and their sidecars send OTLP to the collector of deploy/k8s/observability: every address they are given
/// resolves to its Service, on a port whose container receives OTLP in that protocol, into pipelines that export traces
/// and metrics; and the collector runs as locked down as the shop's own pods.
/// </summary>
public sealed class ObservabilityTests
{
    private const string Folder = "deploy/k8s/observability";

    private static RenderedManifests Collector => RenderedManifests.RenderFolder(Folder);

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void Every_sidecar_and_every_app_export_to_the_collectors_otlp_grpc_receiver(string overlay)
    {
        var shop = RenderedManifests.Render(overlay);
        var configuration = Assert.Single(shop.Of<DaprConfiguration>());
        var otel = configuration.Spec.Tracing?.Otel;
        Assert.True(otel is not null, $"{overlay}: the Configuration sends the sidecars' spans nowhere (spec.tracing.otel)");
        Assert.Equal("grpc", otel.Protocol);
        Assert.False(otel.IsSecure, "the collector's receiver is plain gRPC inside the cluster");
        AssertReceives(otel.EndpointAddress, "grpc", $"{overlay}: the sidecars' endpointAddress");

        foreach (var d in shop.Of<V1Deployment>())
        {
            var app = Assert.Single(d.Spec.Template.Spec.Containers, c => c.Name == "app");
            string? Env(string name) => app.Env?.SingleOrDefault(e => e.Name == name)?.Value;
            var endpoint = Env("OTEL_EXPORTER_OTLP_ENDPOINT");
            Assert.True(endpoint is not null && Uri.TryCreate(endpoint, UriKind.Absolute, out _), $"{overlay}: {d.Metadata.Name} exports its telemetry nowhere");
            var uri = new Uri(endpoint);
            Assert.Equal("http", uri.Scheme);
            AssertReceives($"{uri.Host}:{uri.Port}", Env("OTEL_EXPORTER_OTLP_PROTOCOL") ?? "grpc", $"{overlay}: {d.Metadata.Name}'s OTEL_EXPORTER_OTLP_ENDPOINT");
        }
    }

    [Fact]
    public void The_collector_runs_two_non_root_read_only_replicas_with_probes_resources_a_budget_and_takes_otlp_from_the_shop_only()
    {
        var d = Assert.Single(Collector.Of<V1Deployment>());
        Assert.True(d.Spec.Replicas >= 2, "one collector replica is a single point where every trace is lost");
        Assert.True(d.Spec.Template.Spec.SecurityContext?.RunAsNonRoot == true, "the collector runs as root");
        var c = Assert.Single(d.Spec.Template.Spec.Containers);
        Assert.True(c.SecurityContext?.ReadOnlyRootFilesystem == true && c.SecurityContext.AllowPrivilegeEscalation == false, "the collector's container is not locked down");
        Assert.NotNull(c.ReadinessProbe);
        Assert.NotNull(c.LivenessProbe);
        Assert.True(c.Resources?.Requests?.ContainsKey("cpu") == true && c.Resources.Limits?.ContainsKey("memory") == true, "the collector has no requests or limits");
        Assert.Contains(Collector.Of<V1PodDisruptionBudget>(), p => Selects(p.Spec.Selector.MatchLabels, d));

        var policy = Assert.Single(Collector.Of<V1NetworkPolicy>(), p => Selects(p.Spec.PodSelector.MatchLabels, d));
        var from = Assert.Single(policy.Spec.Ingress);
        var peer = Assert.Single(from.FromProperty);
        Assert.Equal("shopdapr", peer.PodSelector.MatchLabels["app.kubernetes.io/part-of"]);
        Assert.Equal(ShopNamespace(), peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal(["4317", "4318"], from.Ports.Select(p => p.Port.Value).Order());
    }

    /// <summary><paramref name="address"/> (host:port) is the collector's Service, whose port leads to a receiver of that protocol.</summary>
    private static void AssertReceives(string address, string protocol, string who)
    {
        var (host, port) = (address[..address.LastIndexOf(':')], int.Parse(address[(address.LastIndexOf(':') + 1)..]));
        var service = Assert.Single(Collector.Of<V1Service>());
        var ns = Assert.Single(Collector.Of<V1Namespace>()).Metadata.Name;
        Assert.True(host == $"{service.Metadata.Name}.{ns}.svc.cluster.local" || host == $"{service.Metadata.Name}.{ns}",
            $"{who} ({address}) is not the collector's Service {service.Metadata.Name}.{ns}");
        var servicePort = service.Spec.Ports.SingleOrDefault(p => p.Port == port);
        Assert.True(servicePort is not null, $"{who}: the collector's Service has no port {port}");
        var collector = Assert.Single(Collector.Of<V1Deployment>(), d => Selects(service.Spec.Selector, d));
        var containerPort = collector.Spec.Template.Spec.Containers.SelectMany(c => c.Ports).Single(p => p.Name == servicePort.TargetPort.Value);
        var receiver = (YamlMappingNode)Config()["receivers"]["otlp"]["protocols"][protocol == "http/protobuf" ? "http" : protocol];
        Assert.True(receiver["endpoint"].ToString().EndsWith($":{containerPort.ContainerPort}", StringComparison.Ordinal),
            $"{who}: port {port} leads to container port {containerPort.ContainerPort}, the collector's {protocol} receiver listens on {receiver["endpoint"]}");
        foreach (var signal in (string[])["traces", "metrics"])
        {
            var pipeline = (YamlMappingNode)Config()["service"]["pipelines"][signal];
            Assert.Contains("otlp", ((YamlSequenceNode)pipeline["receivers"]).Children.Select(n => n.ToString()));
            Assert.NotEmpty((YamlSequenceNode)pipeline["exporters"]);
        }
    }

    /// <summary>The collector's own configuration (its ConfigMap's <c>config.yaml</c>), parsed once.</summary>
    private static readonly Lazy<YamlMappingNode> CollectorConfig = new(() =>
    {
        var map = Assert.Single(Collector.Of<V1ConfigMap>());
        var stream = new YamlStream();
        stream.Load(new StringReader(map.Data["config.yaml"]));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    });

    private static YamlMappingNode Config() => CollectorConfig.Value;

    private static bool Selects(IDictionary<string, string>? selector, V1Deployment d) =>
        selector is { Count: > 0 } && selector.All(kv => d.Spec.Template.Metadata.Labels?.TryGetValue(kv.Key, out var v) == true && v == kv.Value);

    private static string ShopNamespace() =>
        Assert.Single(RenderedManifests.Render("prod").Of<DaprConfiguration>()).Metadata.NamespaceProperty;
}
