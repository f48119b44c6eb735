using System.Globalization;
using System.Net;
using System.Net.Sockets;
using YamlDotNet.RepresentationModel;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// The repo's <c>dapr.yaml</c> for one test run: the same apps, commands, env and components, but every port (app,
/// sidecar HTTP, sidecar gRPC) a loopback port that was free a moment ago, and app folders made absolute so the copy
/// can live in the run's own working directory. The fixed ports suit a developer's machine; a test run must not
/// collide with a shop the developer is running, nor with whatever else holds a port (the gRPC ports 50000+n sit
/// inside Linux's ephemeral range, where any outgoing connection may take them).
/// </summary>
internal static class IsolatedRunFile
{
    private static readonly string[] PortKeys = ["appPort", "daprHTTPPort", "daprGRPCPort"];

    /// <summary>Writes the copy into <paramref name="workDir"/>; returns its path and the gateway's new port.</summary>
    public static (string Path, int GatewayPort) Write(string repoRunFile, string workDir, string gatewayAppId = "gateway")
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(repoRunFile))
            stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var apps = ((YamlSequenceNode)root["apps"]).Children.Cast<YamlMappingNode>().ToList();
        var ports = new Queue<int>(FreeLoopbackPorts(apps.Count * PortKeys.Length));
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(repoRunFile))!;
        int? gatewayPort = null;

        foreach (var app in apps)
        {
            var appDir = app.Children.TryGetValue("appDirPath", out var dir) ? ((YamlScalarNode)dir).Value ?? "." : ".";
            app.Children[new YamlScalarNode("appDirPath")] = new YamlScalarNode(Path.GetFullPath(Path.Combine(baseDir, appDir)));
            foreach (var key in PortKeys)
                app.Children[new YamlScalarNode(key)] = new YamlScalarNode(ports.Dequeue().ToString(CultureInfo.InvariantCulture));

            var appPort = int.Parse(((YamlScalarNode)app["appPort"]).Value!, CultureInfo.InvariantCulture);
            if (app.Children.TryGetValue("env", out var env) && env is YamlMappingNode vars
                && vars.Children.TryGetValue("ASPNETCORE_URLS", out var urls))
            {
                var url = new UriBuilder(((YamlScalarNode)urls).Value!) { Port = appPort };
                vars.Children[new YamlScalarNode("ASPNETCORE_URLS")] = new YamlScalarNode(url.Uri.ToString().TrimEnd('/'));
            }
            if (((YamlScalarNode)app["appID"]).Value == gatewayAppId)
                gatewayPort = appPort;
        }

        var path = Path.Combine(workDir, "dapr.yaml");
        using (var writer = File.CreateText(path))
            stream.Save(writer, assignAnchors: false);
        return (path, gatewayPort ?? throw new InvalidOperationException($"{repoRunFile} has no app '{gatewayAppId}'"));
    }

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
