using System.Collections.Concurrent;
using System.Diagnostics;
using System.Xml.Linq;
using k8s;
using k8s.Models;

namespace ShopDapr.Solution.Tests.Deploy;

/// <summary>An app of dapr.yaml as the manifests must run it: its id, port and project.</summary>
public sealed record DaprApp(string AppId, int AppPort, string Project)
{
    public static IReadOnlyList<DaprApp> All { get; } =
        [.. Repo.Yaml("dapr.yaml").Items("apps").Select(a =>
        {
            var dir = Path.GetFileName(a.Scalar("appDirPath")!.TrimEnd('/'));
            return new DaprApp(a.Scalar("appID")!, int.Parse(a.Scalar("appPort")!), $"services/{dir}/{dir}.csproj");
        })];

    /// <summary>A container property of the app's project (ContainerRepository, ContainerUser, ...), or null.</summary>
    public string? ContainerProperty(string name) =>
        XDocument.Load(Repo.File(Project)).Descendants(name).SingleOrDefault()?.Value;

    /// <summary>The Include of each ContainerPort item of the app's project.</summary>
    public IEnumerable<string> ContainerPorts() =>
        XDocument.Load(Repo.File(Project)).Descendants("ContainerPort").Select(p => (string)p.Attribute("Include")!);
}

/// <summary>
/// An overlay of deploy/k8s rendered by <c>kubectl kustomize</c> and parsed into typed objects (the KubernetesClient
/// models; Dapr's CRDs as <see cref="DaprResource"/>s). Rendered once per overlay per test run.
/// </summary>
public sealed class RenderedManifests
{
    public static TheoryData<string> Overlays => ["dev", "prod"];

    private static readonly ConcurrentDictionary<string, Lazy<RenderedManifests>> Cache = new();

    private static readonly Dictionary<string, Type> TypeMap = new()
    {
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["v1/Service"] = typeof(V1Service),
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Namespace"] = typeof(V1Namespace),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["networking.k8s.io/v1/Ingress"] = typeof(V1Ingress),
        ["networking.k8s.io/v1/NetworkPolicy"] = typeof(V1NetworkPolicy),
        ["dapr.io/v1alpha1/Component"] = typeof(DaprComponent),
        ["dapr.io/v1alpha1/Configuration"] = typeof(DaprConfiguration),
        ["dapr.io/v1alpha1/Resiliency"] = typeof(DaprResiliency),
        ["autoscaling/v2/HorizontalPodAutoscaler"] = typeof(V2HorizontalPodAutoscaler),
        ["keda.sh/v1alpha1/ScaledObject"] = typeof(ScaledObject),
        ["keda.sh/v1alpha1/TriggerAuthentication"] = typeof(TriggerAuthentication),
    };

    public string Overlay { get; }
    public string Text { get; }
    public IReadOnlyList<object> Objects { get; }

    private RenderedManifests(string overlay, string text)
    {
        Overlay = overlay;
        Text = text;
        Objects = KubernetesYaml.LoadAllFromString(text, TypeMap, strict: false);
    }

    public IEnumerable<T> Of<T>() => Objects.OfType<T>();

    public static RenderedManifests Render(string overlay) => RenderFolder($"deploy/k8s/overlays/{overlay}");

    /// <summary>Any kustomization of the repo (e.g. <c>deploy/k8s/observability</c>), rendered once per test run.</summary>
    public static RenderedManifests RenderFolder(string relative) =>
        Cache.GetOrAdd(relative, r => new Lazy<RenderedManifests>(() => new RenderedManifests(Path.GetFileName(r), Kustomize(r)))).Value;

    /// <summary>
    /// <c>kubectl kustomize</c> (kustomize v5, which the .NET machine image ships with kubectl). Without kubectl the
    /// checks skip on a developer's machine and fail in CI (CI=true), where a skipped check would hide a broken manifest.
    /// </summary>
    private static string Kustomize(string relative)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Repo.File(relative)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            var message = $"kubectl is not installed ({e.Message}): the deploy/k8s manifests cannot be rendered";
            if (Environment.GetEnvironmentVariable("CI") == "true")
                throw new InvalidOperationException(message, e);
            Assert.Skip(message);
            throw;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"kubectl kustomize {relative} failed ({process.ExitCode}): {stderr.Result}");
            return stdout;
        }
    }
}
