using System.Globalization;
using System.Net;
using System.Net.Sockets;
using YamlDotNet.RepresentationModel;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// The repo's <c>dapr.yaml</c> for one test run: the same apps, commands, env and components, but every port (app,
/// sidecar HTTP, sidecar gRPC) a loopback port that was free a moment ago, and each app folder a link inside the run's
/// own working directory to the repo's (<c>workDir/services/Catalog</c> → <c>services/Catalog</c>). Each sidecar resolves
/// its components' relative paths against its appDirPath (<c>../../.data/shop.db</c>), so the data lands in the
/// run's folder, never in the developer's <c>.data/</c>. The fixed ports suit a developer's machine; a test run must not
/// collide with a shop the developer is running, nor with whatever else holds a port (the gRPC ports 50000+n sit
/// inside Linux's ephemeral range, where any outgoing connection may take them).
/// An app named in <c>testOwnedApps</c> loses its <c>command</c>: the run starts its sidecar alone (a sidecar-only app,
/// expected at its appPort) and the test starts, kills and restarts the app itself from the returned <see cref="OwnedAppSpec"/>.
/// </summary>
internal static class IsolatedRunFile
{
    private static readonly string[] PortKeys = ["appPort", "daprHTTPPort", "daprGRPCPort"];

    /// <summary>Writes the copy into <paramref name="workDir"/>; returns its path and the gateway's new port.</summary>
    public static (string Path, int GatewayPort) Write(string repoRunFile, string workDir, string gatewayAppId = "gateway")
    {
        var written = Write(repoRunFile, workDir, [], gatewayAppId);
        return (written.Path, written.GatewayPort);
    }

    /// <summary>As above, with every app's new port; the apps of <paramref name="testOwnedApps"/> are left to the test (their specs are returned).</summary>
    /// <param name="componentSet">The set the apps' resourcesPath and configFilePath name instead of <c>components/local</c>
    /// (the README's switch: the same run file with the folder swapped).</param>
    /// <param name="secondReplicas">Apps that get a second replica: a copy of the app's entry right after it (same app id,
    /// ports of its own), left to the test like a test-owned app, so the test can kill one replica and keep the other.
    /// Both replicas' sidecars log to the run's output, as <c>daprdLogDestination: console</c>.</param>
    /// <returns>The keys of AppPorts are app ids; a second replica's is "app (replica 2)".</returns>
    public static (string Path, int GatewayPort, IReadOnlyDictionary<string, int> AppPorts, IReadOnlyList<OwnedAppSpec> Owned) Write(
        string repoRunFile, string workDir, IReadOnlyCollection<string> testOwnedApps, string gatewayAppId = "gateway", string componentSet = "local",
        IReadOnlyCollection<string>? secondReplicas = null)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(repoRunFile))
            stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var appList = (YamlSequenceNode)root["apps"];
        var replicas = new HashSet<YamlMappingNode>(ReferenceEqualityComparer.Instance);
        foreach (var replicated in secondReplicas ?? [])
        {
            var index = appList.Children.ToList().FindIndex(a => AppIdOf(a) == replicated);
            if (index < 0)
                throw new InvalidOperationException($"{repoRunFile} has no app {replicated}");
            var first = (YamlMappingNode)appList.Children[index];
            first.Children[new YamlScalarNode("daprdLogDestination")] = new YamlScalarNode("console");
            var second = (YamlMappingNode)Copy(first);
            appList.Children.Insert(index + 1, second);
            replicas.Add(second);
        }
        var apps = appList.Children.Cast<YamlMappingNode>().ToList();
        var commonScope = root.Children.TryGetValue("common", out var commonNode) ? commonNode as YamlMappingNode : null;
        foreach (var scope in commonScope is null ? apps : [commonScope, .. apps])
            SwapComponentSet(scope, componentSet);
        var ports = new Queue<int>(FreeLoopbackPorts(apps.Count * PortKeys.Length));
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(repoRunFile))!;
        int? gatewayPort = null;
        var owned = new List<OwnedAppSpec>();
        var appPorts = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var app in apps)
        {
            var appDir = app.Children.TryGetValue("appDirPath", out var dir) ? ((YamlScalarNode)dir).Value ?? "." : ".";
            app.Children[new YamlScalarNode("appDirPath")] = new YamlScalarNode(LinkAppDir(baseDir, appDir, workDir));
            foreach (var key in PortKeys)
                app.Children[new YamlScalarNode(key)] = new YamlScalarNode(ports.Dequeue().ToString(CultureInfo.InvariantCulture));

            var appPort = int.Parse(((YamlScalarNode)app["appPort"]).Value!, CultureInfo.InvariantCulture);
            if (app.Children.TryGetValue("env", out var env) && env is YamlMappingNode vars
                && vars.Children.TryGetValue("ASPNETCORE_URLS", out var urls))
            {
                var url = new UriBuilder(((YamlScalarNode)urls).Value!) { Port = appPort };
                vars.Children[new YamlScalarNode("ASPNETCORE_URLS")] = new YamlScalarNode(url.Uri.ToString().TrimEnd('/'));
            }
            var appId = AppIdOf(app);
            appPorts[replicas.Contains(app) ? $"{appId} (replica 2)" : appId] = appPort;
            if (appId == gatewayAppId)
                gatewayPort = appPort;
            if (testOwnedApps.Contains(appId) || replicas.Contains(app))
                owned.Add(TakeOver(root, app, appId));
        }
        var missing = testOwnedApps.Except(owned.Select(o => o.AppId)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"{repoRunFile} has no app {string.Join(", ", missing)}");

        var path = Path.Combine(workDir, "dapr.yaml");
        using (var writer = File.CreateText(path))
            stream.Save(writer, assignAnchors: false);
        return (path, gatewayPort ?? throw new InvalidOperationException($"{repoRunFile} has no app '{gatewayAppId}'"), appPorts, owned);
    }

    /// <summary>
    /// Removes the app's command and says how to run it as the run would: in its appDirPath, with the variables
    /// tools/DevSidecar/Cli/MultiAppRun.cs gives an app (the sidecar's ports and endpoints, the API tokens), then the
    /// run file's common env and the app's own env, last so they win.
    /// </summary>
    private static OwnedAppSpec TakeOver(YamlMappingNode root, YamlMappingNode app, string appId)
    {
        string Port(string key) => ((YamlScalarNode)app[key]).Value!;
        var command = ((YamlSequenceNode)app["command"]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        app.Children.Remove(new YamlScalarNode("command"));
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["APP_ID"] = appId,
            ["APP_PORT"] = Port("appPort"),
            ["APP_PROTOCOL"] = "http",
            ["DAPR_HTTP_PORT"] = Port("daprHTTPPort"),
            ["DAPR_GRPC_PORT"] = Port("daprGRPCPort"),
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{Port("daprHTTPPort")}",
            ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{Port("daprGRPCPort")}",
        };
        var common = root.Children.TryGetValue("common", out var node) ? node : null;
        foreach (var vars in new[] { EnvOf(common), EnvOf(app) })
        {
            foreach (var pair in vars?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
                env[((YamlScalarNode)pair.Key).Value!] = ((YamlScalarNode)pair.Value).Value ?? "";
        }
        return new OwnedAppSpec(appId, ((YamlScalarNode)app["appDirPath"]).Value!, command,
            int.Parse(Port("appPort"), CultureInfo.InvariantCulture), int.Parse(Port("daprHTTPPort"), CultureInfo.InvariantCulture), env);
    }

    private static string AppIdOf(YamlNode app) => ((YamlScalarNode)((YamlMappingNode)app)["appID"]).Value!;

    private static YamlNode Copy(YamlNode node) => node switch
    {
        YamlScalarNode scalar => new YamlScalarNode(scalar.Value) { Style = scalar.Style },
        YamlSequenceNode sequence => new YamlSequenceNode(sequence.Children.Select(Copy)) { Style = sequence.Style },
        YamlMappingNode mapping => new YamlMappingNode(mapping.Children.Select(c => new KeyValuePair<YamlNode, YamlNode>(Copy(c.Key), Copy(c.Value))))
        {
            Style = mapping.Style,
        },
        _ => throw new InvalidOperationException($"cannot copy a {node.NodeType} node"),
    };

    private static void SwapComponentSet(YamlMappingNode scope, string componentSet)
    {
        foreach (var key in new[] { "resourcesPath", "configFilePath" })
        {
            if (scope.Children.TryGetValue(key, out var node) && node is YamlScalarNode { Value: { } path })
                scope.Children[new YamlScalarNode(key)] = new YamlScalarNode(path.Replace("components/local", $"components/{componentSet}", StringComparison.Ordinal));
        }
    }

    /// <summary>The app folder as the same relative path under <paramref name="workDir"/>: a link to the repo's folder.</summary>
    private static string LinkAppDir(string baseDir, string appDir, string workDir)
    {
        var real = Path.GetFullPath(Path.Combine(baseDir, appDir));
        var relative = Path.GetRelativePath(baseDir, real);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal))
            return real;
        var link = Path.Combine(workDir, relative);
        if (!Directory.Exists(link))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            Directory.CreateSymbolicLink(link, real);
        }
        return link;
    }

    private static YamlMappingNode? EnvOf(YamlNode? scope) =>
        scope is YamlMappingNode map && map.Children.TryGetValue("env", out var env) ? env as YamlMappingNode : null;

    /// <summary>Distinct ports, all held at once while they are picked so no two are the same.</summary>
    private static List<int> FreeLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

/// <summary>How to start an app the run leaves to the test: command (run in <see cref="AppDir"/>) and environment.</summary>
public sealed record OwnedAppSpec(string AppId, string AppDir, IReadOnlyList<string> Command, int AppPort, int DaprHttpPort, IReadOnlyDictionary<string, string> Env);
