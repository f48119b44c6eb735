using ShopDapr.ServiceDefaults;
using YamlDotNet.RepresentationModel;

namespace ShopDapr.Solution.Tests;

/// <summary>Moving the shop to another backend is a change of YAML: each set differs from components/local only in state and pub/sub.</summary>
public sealed class ComponentSetsTests
{
    public static TheoryData<string> Sets => ["redis", "postgres"];

    private static readonly string[] BackendFiles = ["statestore.yaml", "pubsub.yaml"];

    [Theory]
    [MemberData(nameof(Sets))]
    public void A_set_has_the_same_files_as_local_and_differs_only_in_state_and_pubsub(string set)
    {
        var dir = Repo.File($"components/{set}");
        if (!Directory.Exists(dir))
            Assert.Skip($"components/{set} is not on this branch yet");
        var local = Directory.GetFiles(Repo.File("components/local"), "*.yaml").Select(Path.GetFileName).Order().ToList();
        var mine = Directory.GetFiles(dir, "*.yaml").Select(Path.GetFileName).Order().ToList();

        Assert.Equal(local, mine);
        foreach (var file in mine.Except(BackendFiles))
            Assert.True(File.ReadAllText(Path.Combine(dir, file!)) == File.ReadAllText(Repo.File($"components/local/{file}")),
                $"components/{set}/{file} differs from components/local/{file}: only statestore.yaml and pubsub.yaml may differ");
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void A_sets_state_store_is_the_actor_state_store_and_its_components_keep_the_shared_names(string set)
    {
        if (!Directory.Exists(Repo.File($"components/{set}")))
            Assert.Skip($"components/{set} is not on this branch yet");
        var state = Repo.Yaml($"components/{set}/statestore.yaml");
        var pubsub = Repo.Yaml($"components/{set}/pubsub.yaml");

        Assert.Equal(ShopNames.Components.StateStore, ((YamlMappingNode)state.Get("metadata")!).Scalar("name"));
        Assert.Equal(ShopNames.Components.PubSub, ((YamlMappingNode)pubsub.Get("metadata")!).Scalar("name"));
        var metadata = ((YamlMappingNode)state.Get("spec")!).Items("metadata")
            .ToDictionary(m => m.Scalar("name")!, m => m.Scalar("value"));
        Assert.Equal("true", metadata["actorStateStore"]);
    }

    /// <summary>
    /// Production: the same component names and files as every set, the same Configuration and Resiliency as
    /// components/local, the backends of components/postgres, and every credential from a Kubernetes secret.
    /// </summary>
    [Fact]
    public void The_kubernetes_set_has_every_component_and_no_credential_or_local_path_in_it()
    {
        var local = Directory.GetFiles(Repo.File("components/local"), "*.yaml").Select(Path.GetFileName).Order().ToList();
        // kustomization.yaml makes the set one resource of deploy/k8s; it is no component.
        var mine = Directory.GetFiles(Repo.File("components/kubernetes"), "*.yaml").Select(Path.GetFileName)
            .Where(f => f != "kustomization.yaml").Order().ToList();
        Assert.Equal(local, mine);
        Assert.True(File.ReadAllText(Repo.File("components/kubernetes/resiliency.yaml")) == File.ReadAllText(Repo.File("components/local/resiliency.yaml")),
            "components/kubernetes/resiliency.yaml differs from components/local/resiliency.yaml");
        // The Configuration differs in one place only: in the cluster the sidecars export their spans to the collector.
        var cluster = Repo.Yaml("components/kubernetes/config.yaml");
        Assert.True(((YamlMappingNode)((YamlMappingNode)cluster.Get("spec")!).Get("tracing")!).Children.Remove(new YamlScalarNode("otel")),
            "components/kubernetes/config.yaml sends the sidecars' spans nowhere (spec.tracing.otel)");
        Assert.True(Text(cluster) == Text(Repo.Yaml("components/local/config.yaml")),
            "components/kubernetes/config.yaml differs from components/local/config.yaml in more than spec.tracing.otel");
        foreach (var file in BackendFiles)
        {
            var spec = (YamlMappingNode)Repo.Yaml($"components/kubernetes/{file}").Get("spec")!;
            Assert.Equal(((YamlMappingNode)Repo.Yaml($"components/postgres/{file}").Get("spec")!).Scalar("type"), spec.Scalar("type"));
        }
        Assert.Equal("secretstores.kubernetes", ((YamlMappingNode)Repo.Yaml("components/kubernetes/secretstore.yaml").Get("spec")!).Scalar("type"));

        foreach (var file in mine)
        {
            var component = Repo.Yaml($"components/kubernetes/{file}");
            if (component.Scalar("kind") != "Component")
                continue;
            foreach (var entry in ((YamlMappingNode)component.Get("spec")!).Items("metadata"))
            {
                var name = entry.Scalar("name")!;
                var value = entry.Scalar("value") ?? "";
                if (Secret.Any(s => name.Contains(s, StringComparison.OrdinalIgnoreCase)))
                    Assert.True(entry.Get("secretKeyRef") is YamlMappingNode, $"components/kubernetes/{file}: {name} is not read from a Kubernetes secret");
                Assert.DoesNotContain("../", value, StringComparison.Ordinal);
            }
        }
    }

    private static readonly string[] Secret = ["password", "connectionString", "token", "key"];

    public static TheoryData<string> AllSets => ["local", "redis", "postgres", "kubernetes"];

    /// <summary>Every second definition of the state store with an outbox: its topic, and the apps it is scoped to.</summary>
    private static readonly (string Store, string Topic, string[] Apps)[] Outboxes =
    [
        (ShopNames.Components.UserBehaviorStateStore, ShopNames.Topics.UserBehavior, [ShopNames.AppIds.Cart, ShopNames.AppIds.Identity]),
        (ShopNames.Components.OrderEventsStateStore, ShopNames.Topics.OrderEvents, [ShopNames.AppIds.Shipping]),
    ];

    [Theory]
    [MemberData(nameof(AllSets))]
    public void Cart_identity_and_shipping_get_second_definitions_of_the_state_store_whose_outboxes_publish_on_their_topics(string set)
    {
        if (!File.Exists(Repo.File($"components/{set}/statestore.yaml")))
            Assert.Skip($"components/{set} is not on this branch yet");
        var stream = new YamlStream();
        using (var reader = new StreamReader(Repo.File($"components/{set}/statestore.yaml")))
            stream.Load(reader);
        var stores = stream.Documents.Select(d => (YamlMappingNode)d.RootNode)
            .ToDictionary(d => ((YamlMappingNode)d.Get("metadata")!).Scalar("name")!, d => d);
        Assert.Equal(Outboxes.Select(o => o.Store).Append(ShopNames.Components.StateStore).Order(), stores.Keys.Order());

        var plain = stores[ShopNames.Components.StateStore];
        if (set == "kubernetes") // every app but the one that keeps no state (gateway), named: other Dapr apps may share the cluster's namespace
            Assert.Equal(DaprAppIds().Where(a => a is not ShopNames.AppIds.Gateway).Order(),
                ((YamlSequenceNode)plain.Get("scopes")!).Children.OfType<YamlScalarNode>().Select(n => n.Value!).Order());
        else
            Assert.Null(plain.Get("scopes")); // every app
        foreach (var (store, topic, apps) in Outboxes)
        {
            var outbox = stores[store];
            Assert.Equal(apps.Order(), ((YamlSequenceNode)outbox.Get("scopes")!).Children.OfType<YamlScalarNode>().Select(n => n.Value!).Order());
            var outboxMetadata = Metadata(outbox);
            Assert.Equal(ShopNames.Components.PubSub, outboxMetadata["outboxPublishPubsub"]);
            Assert.Equal(topic, outboxMetadata["outboxPublishTopic"]);
            Assert.False(outboxMetadata.ContainsKey("actorStateStore")); // an app has one actor state store
            // The same backend, so the keys are the same: only the outbox fields and the actor flag differ.
            Assert.Equal(((YamlMappingNode)plain.Get("spec")!).Scalar("type"), ((YamlMappingNode)outbox.Get("spec")!).Scalar("type"));
            Assert.Equal(Metadata(plain).Where(m => m.Key != "actorStateStore"), outboxMetadata.Where(m => !m.Key.StartsWith("outbox", StringComparison.Ordinal)));
        }
    }

    private static IEnumerable<string> DaprAppIds() => Repo.Yaml("dapr.yaml").Items("apps").Select(a => a.Scalar("appID")!);

    private static Dictionary<string, string?> Metadata(YamlMappingNode component) =>
        ((YamlMappingNode)component.Get("spec")!).Items("metadata").ToDictionary(m => m.Scalar("name")!, m => m.Scalar("value"));

    private static string Text(YamlMappingNode root)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
