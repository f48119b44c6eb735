using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace ShopDapr.Solution.Tests.Deploy;

/// <summary>
/// What surrounds the apps in deploy/k8s: scoped components that take secrets by reference, no secret value anywhere,
/// access control naming real apps, only the gateway reachable from outside, and an app's port from its sidecar only.
/// </summary>
public sealed partial class PlatformTests
{
    private const string Gateway = "gateway";
    private const string SidecarInternalGrpcPort = "50002";
    private const string SidecarMetricsPort = "9090";

    private static readonly HashSet<string> AppIds = [.. DaprApp.All.Select(a => a.AppId)];

    [GeneratedRegex("password|secret|token|connectionstring|key", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void Every_rendered_object_is_typed_and_in_the_namespace_the_access_control_names(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var documents = rendered.Text.Split("\n---\n").Count(d => !string.IsNullOrWhiteSpace(d));
        Assert.Equal(documents, rendered.Objects.Count);
        var configuration = Assert.Single(rendered.Of<DaprConfiguration>());
        var namespaces = configuration.Spec.AccessControl!.Policies.Select(p => p.Namespace).Distinct().ToList();
        var ns = Assert.Single(namespaces);
        foreach (var o in rendered.Objects.Cast<IKubernetesObject<V1ObjectMeta>>())
            Assert.True(o.Metadata.NamespaceProperty == ns, $"{overlay}: {o.Kind} {o.Metadata.Name} is in namespace '{o.Metadata.NamespaceProperty}', the access-control policies name '{ns}'");
        foreach (var kind in (string[])["Deployment", "PodDisruptionBudget", "NetworkPolicy", "Ingress", "Service", "Component", "Configuration", "Resiliency"])
            Assert.Contains(kind, rendered.Objects.Cast<IKubernetesObject>().Select(o => o.Kind));
    }

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void Every_component_is_scoped_to_apps_that_exist_and_takes_its_secrets_by_reference(string overlay)
    {
        var components = RenderedManifests.Render(overlay).Of<DaprComponent>().ToList();
        Assert.Equal(["crypto", "crypto-web", "mail", "pubsub", "retrain-schedule", "secretstore", "statestore", "statestore-order-events", "statestore-user-behavior"],
            components.Select(c => c.Metadata.Name).Order());
        foreach (var c in components)
        {
            var name = $"{overlay}: Component {c.Metadata.Name}";
            Assert.True(c.Scopes is { Count: > 0 }, $"{name} is not scoped: every Dapr app in the namespace would load it");
            foreach (var scope in c.Scopes)
                Assert.True(AppIds.Contains(scope), $"{name} is scoped to '{scope}', which is no app of dapr.yaml");
            foreach (var entry in c.Spec.Metadata)
            {
                if (SecretName().IsMatch(entry.Name))
                    Assert.True(entry.SecretKeyRef is { Name.Length: > 0, Key.Length: > 0 } && entry.Value is null,
                        $"{name}: {entry.Name} is not taken from a secret by reference");
                Assert.False(entry.Value is { } v && Regex.IsMatch(v, "://[^/@\\s]+:[^/@\\s]+@"), $"{name}: {entry.Name} holds a URI with a password");
            }
            if (c.Spec.Metadata.Any(m => m.SecretKeyRef is not null))
                Assert.True(c.Auth?.SecretStore == "kubernetes", $"{name} reads secrets without naming the kubernetes secret store");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void No_secret_value_appears_in_the_manifests(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        Assert.DoesNotMatch(new Regex(@"^kind:\s*Secret\s*$", RegexOptions.Multiline), rendered.Text);
        foreach (var d in rendered.Of<V1Deployment>())
            foreach (var env in d.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []))
                Assert.False(SecretName().IsMatch(env.Name) && env.Value is not null,
                    $"{overlay}: Deployment {d.Metadata.Name} sets {env.Name} to a value instead of a secret reference");
        foreach (var secret in DevelopmentSecrets())
            Assert.False(rendered.Text.Contains(secret, StringComparison.Ordinal), $"{overlay}: a development secret value appears in the manifests");
    }

    /// <summary>The secret values of the local run: the tokens of dapr.yaml and the local secret store's file.</summary>
    private static IEnumerable<string> DevelopmentSecrets()
    {
        var env = (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlMappingNode)Repo.Yaml("dapr.yaml").Get("common")!).Get("env")!;
        var tokens = new[] { "DAPR_API_TOKEN", "APP_API_TOKEN" }.Select(t => env.Scalar(t)!).ToList();
        Assert.All(tokens, t => Assert.False(string.IsNullOrEmpty(t)));
        using var secrets = JsonDocument.Parse(File.ReadAllText(Repo.File("components/local/secrets.json")));
        var values = secrets.RootElement.EnumerateObject().Where(p => p.Name != "README").Select(p => p.Value.ToString()).Where(v => v.Length >= 8).ToList();
        Assert.NotEmpty(values);
        return tokens.Concat(values);
    }

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void The_access_control_denies_by_default_and_names_every_app_and_no_other(string overlay)
    {
        var accessControl = Assert.Single(RenderedManifests.Render(overlay).Of<DaprConfiguration>()).Spec.AccessControl;
        Assert.True(accessControl is { DefaultAction: "deny" }, $"{overlay}: the access control does not deny by default");
        foreach (var policy in accessControl.Policies)
        {
            Assert.True(AppIds.Contains(policy.AppId), $"{overlay}: an access-control policy names '{policy.AppId}', which is no app of dapr.yaml");
            Assert.True(policy.DefaultAction == "deny", $"{overlay}: the policy for {policy.AppId} allows by default");
        }
        Assert.Equal(AppIds.Order(), accessControl.Policies.Select(p => p.AppId).Order());
    }

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void Only_the_gateway_is_reachable_from_outside_through_one_ingress_and_one_service(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var ingress = Assert.Single(rendered.Of<V1Ingress>());
        var backends = ingress.Spec.Rules.SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service.Name).Distinct();
        Assert.Equal([Gateway], backends);
        var service = Assert.Single(rendered.Of<V1Service>());
        Assert.Equal(Gateway, service.Metadata.Name);
        var pods = Pods(rendered).Where(p => service.Spec.Selector.All(s => p.Labels.TryGetValue(s.Key, out var v) && v == s.Value)).ToList();
        Assert.True(pods.Count == 1 && pods[0].AppId == Gateway, $"{overlay}: the gateway Service selects {string.Join(", ", pods.Select(p => p.AppId))}");
        Assert.All(service.Spec.Ports, p => Assert.Equal("http", p.TargetPort.Value));
    }

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void An_apps_port_takes_traffic_from_its_sidecar_only_and_the_gateways_from_the_ingress_controller_only(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var policies = rendered.Of<V1NetworkPolicy>().ToList();
        foreach (var pod in Pods(rendered))
        {
            var mine = policies.Where(p => Selects(p.Spec.PodSelector, pod.Labels) && p.Spec.PolicyTypes.Contains("Ingress")).ToList();
            Assert.True(mine.Count > 0, $"{overlay}: no NetworkPolicy restricts ingress to {pod.AppId}'s pods");
            foreach (var rule in mine.SelectMany(p => (p.Spec.Ingress ?? []).Select(r => (Policy: p.Metadata.Name, Rule: r))))
            {
                var ports = rule.Rule.Ports?.Select(p => p.Port?.Value).ToList();
                Assert.True(ports is { Count: > 0 } && ports.All(p => p is not null),
                    $"{overlay}: NetworkPolicy {rule.Policy} opens every port of {pod.AppId}'s pods");
                Assert.True(rule.Rule.FromProperty is { Count: > 0 }, $"{overlay}: NetworkPolicy {rule.Policy} lets anyone reach {pod.AppId}'s pods");
                foreach (var port in ports!)
                {
                    if (port == SidecarInternalGrpcPort)
                    {
                        Assert.True(rule.Rule.FromProperty.All(f => f.NamespaceSelector is null && f.IpBlock is null
                                && Label(f.PodSelector, "app.kubernetes.io/part-of") == "shopdapr"),
                            $"{overlay}: NetworkPolicy {rule.Policy} opens {pod.AppId}'s sidecar to pods outside the shop");
                        continue;
                    }
                    if (port == SidecarMetricsPort)
                    {
                        Assert.True(rule.Rule.FromProperty.All(f => f.IpBlock is null
                                && Label(f.NamespaceSelector, "kubernetes.io/metadata.name") == "monitoring"
                                && Label(f.PodSelector, "app.kubernetes.io/name") == "prometheus"),
                            $"{overlay}: NetworkPolicy {rule.Policy} opens {pod.AppId}'s sidecar metrics to more than Prometheus");
                        continue;
                    }
                    Assert.True(pod.AppId == Gateway && (port == pod.AppPort.ToString() || port == "http"),
                        $"{overlay}: NetworkPolicy {rule.Policy} opens port {port} of {pod.AppId}'s pods (an app takes requests from its sidecar only)");
                    Assert.True(rule.Rule.FromProperty.All(f => f.IpBlock is null
                            && Label(f.NamespaceSelector, "kubernetes.io/metadata.name") == "ingress-nginx"),
                        $"{overlay}: NetworkPolicy {rule.Policy} opens the gateway to more than the ingress controller");
                }
            }
        }
    }

    /// <summary>Placement and scheduler keep a quorum with one replica lost only as three (or five, ...) replicas.</summary>
    [Fact]
    public void The_dapr_control_plane_values_run_every_service_highly_available_as_an_odd_number_of_replicas()
    {
        var ha = (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlMappingNode)Repo.Yaml("deploy/k8s/dapr/values-ha.yaml").Get("global")!).Get("ha")!;
        Assert.Equal("true", ha.Scalar("enabled"));
        var replicas = int.Parse(ha.Scalar("replicaCount")!);
        Assert.True(replicas >= 3 && replicas % 2 == 1, $"values-ha.yaml runs {replicas} replicas of placement and scheduler");
    }

    private sealed record Pod(string AppId, int AppPort, IDictionary<string, string> Labels);

    private static IEnumerable<Pod> Pods(RenderedManifests rendered) =>
        rendered.Of<V1Deployment>().Select(d => new Pod(d.Spec.Template.Metadata.Annotations["dapr.io/app-id"],
            int.Parse(d.Spec.Template.Metadata.Annotations["dapr.io/app-port"]), d.Spec.Template.Metadata.Labels));

    private static string? Label(V1LabelSelector? selector, string key) =>
        selector?.MatchLabels is { } labels && labels.TryGetValue(key, out var value) ? value : null;

    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels) =>
        (selector.MatchExpressions is null || selector.MatchExpressions.Count == 0)
        && (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value);
}
