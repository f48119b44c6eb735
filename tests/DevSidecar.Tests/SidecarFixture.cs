using Dapr.Client;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests;

/// <summary>
/// A sidecar started in-process over a temporary resources folder, and an official <see cref="DaprClient"/> pointed at it.
/// </summary>
public sealed class TestSidecar : IAsyncDisposable
{
    private TestSidecar(Sidecar sidecar, DaprClient client, TempDir dir)
    {
        Sidecar = sidecar;
        Client = client;
        Dir = dir;
    }

    public Sidecar Sidecar { get; }

    public DaprClient Client { get; }

    public TempDir Dir { get; }

    /// <summary>Writes <paramref name="resources"/> (file name → YAML) and starts a sidecar over them.</summary>
    public static async Task<TestSidecar> StartAsync(
        IReadOnlyDictionary<string, string> resources,
        string appId = "test-app",
        AppChannelOptions? app = null,
        SidecarCluster? cluster = null,
        Func<SidecarOptions, SidecarOptions>? configure = null)
    {
        var dir = new TempDir();
        foreach (var (name, yaml) in resources)
            await File.WriteAllTextAsync(Path.Combine(dir.Path, name), yaml);
        var options = new SidecarOptions { AppId = appId, ResourcesPaths = [dir.Path], AppChannel = app };
        options = configure?.Invoke(options) ?? options;
        var sidecar = await Sidecar.StartAsync(options, cluster);
        var client = new DaprClientBuilder()
            .UseGrpcEndpoint(sidecar.GrpcEndpoint.ToString())
            .UseHttpEndpoint(sidecar.HttpEndpoint.ToString())
            .UseDaprApiToken(options.ApiToken)
            .Build();
        return new TestSidecar(sidecar, client, dir);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Sidecar.DisposeAsync();
        Dir.Dispose();
    }
}

public static class Yaml
{
    public static string Component(string name, string type, params (string Name, string Value)[] metadata) =>
        $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: {type}
          version: v1
          metadata:
        {string.Concat(metadata.Select(m => $"  - name: {m.Name}\n    value: \"{m.Value}\"\n"))}
        """;
}
