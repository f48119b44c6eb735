using System.Text.RegularExpressions;
using ShopDapr.ServiceDefaults;
using YamlDotNet.RepresentationModel;

namespace ShopDapr.Solution.Tests;

/// <summary>dapr.yaml (which leads), tye.yaml and ShopDapr.sln name the same apps, on the ports of the house scheme.</summary>
public sealed partial class RunFilesTests
{
    /// <summary>n of each app: app port 5100+n (gateway 5000), sidecar HTTP 3500+n, gRPC 50000+n.</summary>
    private static readonly Dictionary<string, int> Numbers = new()
    {
        ["gateway"] = 0, ["identity"] = 1, ["catalog"] = 2, ["cart"] = 3, ["ordering"] = 4, ["payment"] = 5,
        ["inventory"] = 6, ["shipping"] = 7, ["analytics"] = 8, ["notifications"] = 9, ["keys"] = 10, ["web"] = 11,
    };

    private sealed record AppPorts(string AppId, string Project, int AppPort, int HttpPort, int GrpcPort);

    private static List<AppPorts> DaprApps() =>
        Repo.Yaml("dapr.yaml").Items("apps").Select(a =>
        {
            var dir = Path.GetFileName(a.Scalar("appDirPath")!.TrimEnd('/'));
            return new AppPorts(a.Scalar("appID")!, $"services/{dir}/{dir}.csproj",
                int.Parse(a.Scalar("appPort")!), int.Parse(a.Scalar("daprHTTPPort")!), int.Parse(a.Scalar("daprGRPCPort")!));
        }).ToList();

    private static List<AppPorts> TyeApps()
    {
        var tye = Repo.Yaml("tye.yaml");
        var dapr = (YamlMappingNode)tye.Items("extensions").Single(e => e.Scalar("name") == "dapr").Get("services")!;
        return tye.Items("services").Select(s =>
        {
            var name = s.Scalar("name")!;
            var sidecar = (YamlMappingNode)dapr.Get(name)!;
            return new AppPorts(name, s.Scalar("project")!, int.Parse(s.Items("bindings").Single().Scalar("port")!),
                int.Parse(sidecar.Scalar("http-port")!), int.Parse(sidecar.Scalar("grpc-port")!));
        }).ToList();
    }

    [Fact]
    public void Dapr_yaml_and_tye_yaml_name_the_same_apps_and_ports() =>
        Assert.Equal(DaprApps().OrderBy(a => a.AppId), TyeApps().OrderBy(a => a.AppId));

    [Fact]
    public void Every_app_follows_the_port_scheme_and_is_a_known_app_id()
    {
        var known = typeof(ShopNames.AppIds).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();
        Assert.Contains("gateway", DaprApps().Select(a => a.AppId));
        foreach (var app in DaprApps())
        {
            Assert.Contains(app.AppId, known);
            var n = Numbers[app.AppId];
            Assert.Equal((n == 0 ? 5000 : 5100 + n, 3500 + n, 50000 + n), (app.AppPort, app.HttpPort, app.GrpcPort));
        }
    }

    [Fact]
    public void Every_app_listens_where_dapr_yaml_says_and_starts_its_own_dll()
    {
        foreach (var app in Repo.Yaml("dapr.yaml").Items("apps"))
        {
            var env = (YamlMappingNode)app.Get("env")!;
            Assert.EndsWith($":{app.Scalar("appPort")}", env.Scalar("ASPNETCORE_URLS"));
            var command = ((YamlSequenceNode)app.Get("command")!).Children.Select(c => ((YamlScalarNode)c).Value).ToList();
            var dir = Path.GetFileName(app.Scalar("appDirPath")!.TrimEnd('/'));
            Assert.Equal(["dotnet", $"bin/Debug/net10.0/ShopDapr.{dir}.dll"], command);
        }
    }

    [Fact]
    public void The_solution_holds_every_app_project()
    {
        var sln = File.ReadAllText(Repo.File("ShopDapr.sln")).Replace('\\', '/');
        var inSolution = SlnProject().Matches(sln).Select(m => m.Groups["path"].Value).ToHashSet();
        foreach (var app in DaprApps())
        {
            Assert.True(File.Exists(Repo.File(app.Project)), $"dapr.yaml names {app.Project}, which does not exist");
            Assert.Contains(app.Project, inSolution);
        }
    }

    [Fact]
    public void Every_app_has_an_access_control_policy_and_the_components_use_the_shared_names()
    {
        var policies = ((YamlMappingNode)Repo.Yaml("components/local/config.yaml").Get("spec")!.Get("accessControl")!)
            .Items("policies").Select(p => p.Scalar("appId")).ToHashSet();
        foreach (var app in DaprApps())
            Assert.Contains(app.AppId, policies);

        var components = Directory.GetFiles(Repo.File("components/local"), "*.yaml")
            .Select(f => Repo.Yaml(Path.GetRelativePath(Repo.Root, f)))
            .Where(y => y.Scalar("kind") == "Component")
            .Select(y => ((YamlMappingNode)y.Get("metadata")!).Scalar("name"))
            .ToHashSet();
        // The shared components are among those defined; more (mail, …) may be added.
        Assert.Superset(new HashSet<string?> { ShopNames.Components.StateStore, ShopNames.Components.PubSub, ShopNames.Components.SecretStore }, components);
    }

    [GeneratedRegex("""Project\("\{[^}]+\}"\) = "[^"]+", "(?<path>[^"]+\.csproj)""")]
    private static partial Regex SlnProject();
}

internal static class YamlNodeExtensions
{
    public static YamlNode? Get(this YamlNode node, string key) => ((YamlMappingNode)node).Get(key);
}
