using k8s.Models;

namespace ShopDapr.Solution.Tests.Deploy;

/// <summary>Every app of dapr.yaml runs in deploy/k8s as dapr.yaml runs it, with its sidecar, probes, resources and a locked-down pod.</summary>
public sealed class DeploymentTests
{
    private static string Annotation(V1Deployment d, string name) =>
        d.Spec.Template.Metadata.Annotations?.TryGetValue(name, out var value) == true ? value : "";

    private static V1Container App(V1Deployment d) =>
        Assert.Single(d.Spec.Template.Spec.Containers, c => c.Name == "app");

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void Every_app_of_dapr_yaml_has_one_deployment_whose_dapr_app_id_and_port_match(string overlay)
    {
        var deployments = RenderedManifests.Render(overlay).Of<V1Deployment>().ToList();

        Assert.Equal(DaprApp.All.Select(a => a.AppId).Order(), deployments.Select(d => Annotation(d, "dapr.io/app-id")).Order());
        foreach (var app in DaprApp.All)
        {
            var d = deployments.Single(d => Annotation(d, "dapr.io/app-id") == app.AppId);
            Assert.True(Annotation(d, "dapr.io/enabled") == "true", $"{overlay}: Deployment {d.Metadata.Name} has no Dapr sidecar");
            Assert.True(Annotation(d, "dapr.io/app-port") == app.AppPort.ToString(),
                $"{overlay}: Deployment {d.Metadata.Name} says dapr.io/app-port {Annotation(d, "dapr.io/app-port")}, dapr.yaml {app.AppPort}");
            var container = App(d);
            Assert.True(container.Ports?.SingleOrDefault(p => p.Name == "http")?.ContainerPort == app.AppPort,
                $"{overlay}: Deployment {d.Metadata.Name}'s container port 'http' is not {app.AppPort}");
            Assert.True(container.Env?.SingleOrDefault(e => e.Name == "ASPNETCORE_HTTP_PORTS")?.Value == app.AppPort.ToString(),
                $"{overlay}: Deployment {d.Metadata.Name} does not listen on {app.AppPort} (ASPNETCORE_HTTP_PORTS)");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void Every_deployment_takes_its_sidecar_config_tokens_and_graceful_shutdown_as_dapr_documents_them(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var configurations = rendered.Of<DaprConfiguration>().Select(c => c.Metadata.Name).ToHashSet();
        foreach (var d in rendered.Of<V1Deployment>())
        {
            var name = $"{overlay}: Deployment {d.Metadata.Name}";
            Assert.True(configurations.Contains(Annotation(d, "dapr.io/config")), $"{name}: dapr.io/config names no Configuration of the manifests");
            Assert.True(Annotation(d, "dapr.io/api-token-secret") != "", $"{name}: no dapr.io/api-token-secret (the app refuses to start without DAPR_API_TOKEN)");
            Assert.True(Annotation(d, "dapr.io/app-token-secret") != "", $"{name}: no dapr.io/app-token-secret (the app refuses to start without APP_API_TOKEN)");
            Assert.True(int.TryParse(Annotation(d, "dapr.io/graceful-shutdown-seconds"), out var graceful) && graceful > 0,
                $"{name}: no dapr.io/graceful-shutdown-seconds");
            Assert.True(graceful < (d.Spec.Template.Spec.TerminationGracePeriodSeconds ?? 30),
                $"{name}: the sidecar's graceful shutdown ({graceful} s) does not fit in the pod's termination grace period");
            Assert.True(Annotation(d, "dapr.io/enable-app-health-check") == "true" && Annotation(d, "dapr.io/app-health-check-path") == "/alive",
                $"{name}: the sidecar does not check the app's liveness (/alive)");
            foreach (var sidecar in (string[])["dapr.io/sidecar-cpu-request", "dapr.io/sidecar-cpu-limit", "dapr.io/sidecar-memory-request", "dapr.io/sidecar-memory-limit"])
                Assert.True(Annotation(d, sidecar) != "", $"{name}: no {sidecar}");
            Assert.True(new ResourceQuantity(Annotation(d, "dapr.io/sidecar-cpu-request")).ToDecimal() <= new ResourceQuantity(Annotation(d, "dapr.io/sidecar-cpu-limit")).ToDecimal()
                && new ResourceQuantity(Annotation(d, "dapr.io/sidecar-memory-request")).ToDecimal() <= new ResourceQuantity(Annotation(d, "dapr.io/sidecar-memory-limit")).ToDecimal(),
                $"{name}: a sidecar request exceeds its limit");
        }
    }

    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void Every_deployment_has_probes_resources_a_disruption_budget_and_a_non_root_read_only_container(string overlay)
    {
        var rendered = RenderedManifests.Render(overlay);
        var budgets = rendered.Of<V1PodDisruptionBudget>().ToList();
        foreach (var d in rendered.Of<V1Deployment>())
        {
            var name = $"{overlay}: Deployment {d.Metadata.Name}";
            var container = App(d);
            Assert.True(container.ReadinessProbe?.HttpGet?.Path == "/healthz" && container.ReadinessProbe.HttpGet.Port.Value == "http",
                $"{name}: the readiness probe is not GET /healthz on the app's port");
            Assert.True(container.LivenessProbe?.HttpGet?.Path == "/alive" && container.LivenessProbe.HttpGet.Port.Value == "http",
                $"{name}: the liveness probe is not GET /alive on the app's port");

            foreach (var resource in (string[])["cpu", "memory"])
            {
                Assert.True(container.Resources?.Requests?.ContainsKey(resource) == true && container.Resources.Limits?.ContainsKey(resource) == true,
                    $"{name}: no {resource} request and limit");
                Assert.True(container.Resources.Requests[resource].ToDecimal() <= container.Resources.Limits[resource].ToDecimal(),
                    $"{name}: the {resource} request exceeds its limit");
            }

            var labels = d.Spec.Template.Metadata.Labels;
            var budget = budgets.Where(b => b.Spec.Selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
            Assert.True(budget.Count == 1, $"{name}: {budget.Count} PodDisruptionBudgets select its pods, not one");

            var pod = d.Spec.Template.Spec.SecurityContext;
            Assert.True(pod?.RunAsNonRoot == true && pod.RunAsUser is > 0, $"{name}: the pod may run as root");
            var security = container.SecurityContext;
            Assert.True(security?.ReadOnlyRootFilesystem == true, $"{name}: the container's root file system is writable");
            Assert.True(security.AllowPrivilegeEscalation == false, $"{name}: the container may escalate privileges");
            Assert.True(security.Capabilities?.Drop?.Contains("ALL") == true, $"{name}: the container keeps Linux capabilities");
        }
    }

    /// <summary>The image each project publishes (dotnet publish -t:PublishContainer) is the one its Deployment runs, as the user the pod demands.</summary>
    [Theory]
    [MemberData(nameof(RenderedManifests.Overlays), MemberType = typeof(RenderedManifests))]
    public void Every_deployment_runs_the_image_its_project_publishes_on_its_port_as_the_pods_user(string overlay)
    {
        var deployments = RenderedManifests.Render(overlay).Of<V1Deployment>().ToList();
        foreach (var app in DaprApp.All)
        {
            var d = deployments.Single(d => Annotation(d, "dapr.io/app-id") == app.AppId);
            var image = App(d).Image;
            var repository = app.ContainerProperty("ContainerRepository");
            var tags = app.ContainerProperty("ContainerImageTags")?.Split(';') ?? [];
            Assert.True(repository is not null && tags.Length > 0, $"{app.Project} has no ContainerRepository or ContainerImageTags");
            Assert.True(tags.Any(t => image == $"{repository}:{t}" || image.EndsWith($"/{repository}:{t}", StringComparison.Ordinal)),
                $"{overlay}: Deployment {d.Metadata.Name} runs {image}, {app.Project} publishes {repository}:{string.Join(",", tags)}");
            Assert.Equal([app.AppPort.ToString()], app.ContainerPorts());
            Assert.True(app.ContainerProperty("ContainerUser") == d.Spec.Template.Spec.SecurityContext.RunAsUser?.ToString(),
                $"{app.Project}'s ContainerUser is not the user {d.Metadata.Name}'s pod runs as");
        }
    }

    [Fact]
    public void In_prod_replicas_never_share_a_node_and_images_come_from_one_registry()
    {
        var deployments = RenderedManifests.Render("prod").Of<V1Deployment>().ToList();
        Assert.NotEmpty(deployments);
        var registries = new HashSet<string>();
        foreach (var d in deployments)
        {
            Assert.True(d.Spec.Template.Spec.TopologySpreadConstraints?.Any(c =>
                    c.TopologyKey == "kubernetes.io/hostname" && c.WhenUnsatisfiable == "DoNotSchedule" && c.MaxSkew == 1
                    && c.MatchLabelKeys?.Contains("app.kubernetes.io/name") == true) == true,
                $"prod: Deployment {d.Metadata.Name}'s replicas may share a node");
            var image = App(d).Image;
            Assert.True(image.Split('/').Length == 3, $"prod: Deployment {d.Metadata.Name} pulls {image}, not from the shop's registry");
            registries.Add(image.Split('/')[0]);
        }
        Assert.Single(registries);
    }

    /// <summary>
    /// One autoscaler per app owns its replica count (an apply leaves it alone), from two replicas up: an HPA on CPU for
    /// a request-driven app, a KEDA ScaledObject on its topics' queues ("app-id-topic", Dapr's RabbitMQ naming) and CPU
    /// for a subscriber, every queue read with the broker's Secret by reference.
    /// </summary>
    [Fact]
    public void In_prod_one_autoscaler_per_app_owns_its_replicas_from_two_up_and_subscribers_scale_on_their_queues()
    {
        var rendered = RenderedManifests.Render("prod");
        var hpas = rendered.Of<V2HorizontalPodAutoscaler>().ToList();
        var scaled = rendered.Of<ScaledObject>().ToList();
        var authentications = rendered.Of<TriggerAuthentication>().ToDictionary(a => a.Metadata.Name);
        var topics = typeof(ShopDapr.ServiceDefaults.ShopNames.Topics).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        Assert.NotEmpty(topics);
        foreach (var d in rendered.Of<V1Deployment>())
        {
            var name = $"prod: Deployment {d.Metadata.Name}";
            var appId = Annotation(d, "dapr.io/app-id");
            Assert.True(d.Spec.Replicas is null, $"{name} sets replicas, which each apply would reset under its autoscaler");
            var hpa = hpas.Where(h => h.Spec.ScaleTargetRef.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == d.Metadata.Name).ToList();
            var keda = scaled.Where(s => s.Spec.ScaleTargetRef.Name == d.Metadata.Name && (s.Spec.ScaleTargetRef.Kind ?? "Deployment") == "Deployment").ToList();
            Assert.True(hpa.Count + keda.Count == 1, $"{name} has {hpa.Count} HPAs and {keda.Count} ScaledObjects, not one autoscaler");
            var (min, max, cpu) = hpa.Count == 1
                ? (hpa[0].Spec.MinReplicas, (int?)hpa[0].Spec.MaxReplicas,
                    hpa[0].Spec.Metrics?.Any(m => m.Resource?.Name == "cpu" && m.Resource.Target.AverageUtilization is > 0 and <= 80) == true)
                : (keda[0].Spec.MinReplicaCount, keda[0].Spec.MaxReplicaCount,
                    keda[0].Spec.Triggers.Any(t => t.Type == "cpu" && int.TryParse(t.Metadata.GetValueOrDefault("value"), out var v) && v is > 0 and <= 80));
            Assert.True(min >= 2 && max > min, $"{name} scales from {min} to {max} replicas");
            Assert.True(cpu, $"{name} is not scaled on CPU utilisation of at most 80 %");
            foreach (var trigger in keda.SelectMany(k => k.Spec.Triggers).Where(t => t.Type == "rabbitmq"))
            {
                var queue = trigger.Metadata.GetValueOrDefault("queueName") ?? "";
                Assert.True(queue.StartsWith(appId + "-", StringComparison.Ordinal) && topics.Contains(queue[(appId.Length + 1)..]),
                    $"{name} scales on queue '{queue}', which is not one of {appId}'s topic queues");
                Assert.False(trigger.Metadata.ContainsKey("host"), $"{name}: the broker's address is written in the trigger");
                Assert.True(trigger.AuthenticationRef is { } auth && authentications.TryGetValue(auth.Name, out var a)
                        && a.Spec.SecretTargetRef.Any(r => r.Parameter == "host" && r.Name.Length > 0 && r.Key.Length > 0),
                    $"{name}: the queue is not read with a TriggerAuthentication that takes the broker's host from a Secret");
            }
        }
        Assert.NotEmpty(scaled);
    }

    /// <summary>
    /// Ordering's workflow workers scale on the workflow work arriving: a Prometheus trigger on the rate at which its own
    /// sidecars start workflows (daprd's metric, labelled with the app id and the namespace the shop renders into), one
    /// replica per the checkouts a second one replica carries; and Prometheus may read that metric through the policies.
    /// </summary>
    [Fact]
    public void In_prod_ordering_scales_on_the_workflows_its_sidecars_start_which_prometheus_may_scrape()
    {
        var rendered = RenderedManifests.Render("prod");
        var ordering = Assert.Single(rendered.Of<ScaledObject>(), s => s.Spec.ScaleTargetRef.Name == "ordering");
        var trigger = Assert.Single(ordering.Spec.Triggers, t => t.Type == "prometheus");
        var query = trigger.Metadata.GetValueOrDefault("query") ?? "";
        var ns = rendered.Of<V1Deployment>().Single(d => d.Metadata.Name == "ordering").Metadata.NamespaceProperty;
        Assert.StartsWith("sum(rate(dapr_runtime_workflow_operation_count{", query, StringComparison.Ordinal);
        foreach (var label in new[] { "app_id=\"ordering\"", $"namespace=\"{ns}\"", "operation=\"create_workflow\"", "status=\"success\"" })
            Assert.Contains(label, query, StringComparison.Ordinal);
        Assert.True(double.TryParse(trigger.Metadata.GetValueOrDefault("threshold"), System.Globalization.CultureInfo.InvariantCulture, out var perReplica) && perReplica is >= 10 and <= 100,
            $"ordering's threshold '{trigger.Metadata.GetValueOrDefault("threshold")}' is not checkouts a second per replica");
        Assert.True(Uri.TryCreate(trigger.Metadata.GetValueOrDefault("serverAddress"), UriKind.Absolute, out var server) && server.UserInfo.Length == 0,
            "ordering's Prometheus address is not a plain URL");

        var scrape = rendered.Of<V1NetworkPolicy>().SelectMany(p => p.Spec.Ingress ?? []).Where(r => r.Ports?.Any(p => p.Port?.Value == "9090") == true);
        Assert.Contains(scrape, r => r.FromProperty.Any(f => f.NamespaceSelector?.MatchLabels is { } labels && labels.TryGetValue("kubernetes.io/metadata.name", out var ns) && ns == "monitoring"));
    }
}
