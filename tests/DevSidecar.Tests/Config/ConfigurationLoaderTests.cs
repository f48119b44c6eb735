using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.Config;

public sealed class ConfigurationLoaderTests
{
    [Theory]
    [InlineData("accessControl:\n    defaultAction: maybe", "spec.accessControl.defaultAction")]
    [InlineData("accessControl:\n    policies:\n    - appId: a\n      namespace: default", "spec.accessControl.policies[0].trustDomain")]
    [InlineData("accessControl:\n    policies:\n    - trustDomain: public\n      namespace: default", "spec.accessControl.policies[0].appId")]
    [InlineData("accessControl:\n    policies:\n    - appId: a\n      trustDomain: public", "spec.accessControl.policies[0].namespace")]
    [InlineData("accessControl:\n    policies:\n    - appId: a\n      trustDomain: public\n      namespace: default\n      operations:\n      - name: /x\n        httpVerb: [\"FETCH\"]\n        action: allow", "spec.accessControl.policies[0].operations[0].httpVerb")]
    [InlineData("accessControl:\n    policies:\n    - appId: a\n      trustDomain: public\n      namespace: default\n      operations:\n      - name: /x\n        action: permit", "spec.accessControl.policies[0].operations[0].action")]
    [InlineData("tracing:\n    samplingRate: often", "spec.tracing.samplingRate")]
    [InlineData("workflow:\n    stateRetentionPolicy:\n      completed: 3 days", "spec.workflow.stateRetentionPolicy.completed")]
    [InlineData("workflow:\n    stateRetentionPolicy:\n      anyTerminal: -1h", "spec.workflow.stateRetentionPolicy.anyTerminal")]
    public async Task Malformed_configuration_stops_start_up_naming_the_file_and_field(string spec, string field)
    {
        using var dir = new TempDir();
        var file = dir.File("config.yaml");
        await File.WriteAllTextAsync(file, $"apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: broken\nspec:\n  {spec}\n",
            TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<ResourceException>(() =>
            Sidecar.StartAsync(new SidecarOptions { AppId = "b", ConfigFile = file }, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal((file, field), (error.File, error.Field));
    }

    [Fact]
    public async Task Two_configurations_for_one_app_in_the_resources_path_are_refused()
    {
        static string Config(string name) => $"apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: {name}\nspec: {{}}\n";

        var error = await Assert.ThrowsAsync<ResourceException>(() =>
            TestSidecar.StartAsync(new Dictionary<string, string> { ["one.yaml"] = Config("one"), ["two.yaml"] = Config("two") }));

        Assert.Equal("metadata.name", error.Field);
        Assert.EndsWith("two.yaml", error.File);
    }
}
