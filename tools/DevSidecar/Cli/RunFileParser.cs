using System.Globalization;
using ShopDapr.DevSidecar.Resources;
using YamlDotNet.Core;

namespace ShopDapr.DevSidecar.Cli;

/// <summary>
/// Reads and checks a run file as the dapr CLI does. Paths in <c>common</c> and <c>appDirPath</c> are relative to the file,
/// an app's other paths relative to its <c>appDirPath</c>. Resources: the app's <c>resourcesPath(s)</c>, else
/// <c>&lt;appDirPath&gt;/.dapr/resources</c> when it exists, else <c>common.resourcesPath(s)</c>, else the dapr CLI's
/// default folder <c>~/.dapr/components</c> (where <c>dapr init</c> writes a Redis state store and pub/sub); a missing
/// default folder is an error naming it. The Configuration file follows the same order with <c>.dapr/config.yaml</c>. Any problem throws
/// <see cref="ResourceException"/> naming the file and the field, e.g. <c>dapr.yaml: apps[2].appDirPath: is required</c>.
/// </summary>
public static class RunFileParser
{
    public const string DefaultFileName = "dapr.yaml";
    private static readonly string[] Protocols = ["http", "https", "grpc", "grpcs", "h2c"];

    /// <summary>The run file itself: <paramref name="path"/>, or <c>dapr.yaml</c> inside it when it is a folder.</summary>
    public static string Locate(string path)
    {
        if (Directory.Exists(path))
        {
            var inside = Path.Combine(path, DefaultFileName);
            return File.Exists(inside) ? inside : throw new ResourceException(inside, "-f", "the folder holds no dapr.yaml");
        }
        return File.Exists(path) ? path : throw new ResourceException(path, "-f", "file not found");
    }

    /// <summary>The dapr CLI's resources folder when a run names none: <c>~/.dapr/components</c>.</summary>
    public static string DefaultResourcesPath(string? userHome = null) =>
        Path.Combine(userHome ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dapr", "components");

    /// <param name="path">The run file, or a folder holding dapr.yaml.</param>
    /// <param name="userHome">Where <c>~</c> is (tests); null: the user's home folder.</param>
    public static IReadOnlyList<RunApp> Load(string path, string? userHome = null)
    {
        var file = Locate(path);
        RunFileDocument? doc;
        try
        {
            doc = ResourceLoader.Yaml.Deserialize<RunFileDocument>(File.ReadAllText(file));
        }
        catch (YamlException e)
        {
            throw new ResourceException(file, $"line {e.Start.Line}, column {e.Start.Column}", e.InnerException?.Message ?? e.Message);
        }
        return Parse(file, doc ?? new RunFileDocument(), userHome);
    }

    public static IReadOnlyList<RunApp> Parse(string file, RunFileDocument doc, string? userHome = null)
    {
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (string.IsNullOrWhiteSpace(doc.Version))
            throw new ResourceException(file, "version", "is required (version: 1)");
        if (doc.Version.Trim() != "1")
            throw new ResourceException(file, "version", $"'{doc.Version}' is not supported (version: 1)");
        if (doc.Apps is null || doc.Apps.Count == 0)
            throw new ResourceException(file, "apps", "is required: list at least one app");

        var common = doc.Common ?? new RunFileShared();
        var commonResources = Paths(file, "common", baseDir, common.ResourcesPaths, common.ResourcesPath, folders: true);
        var commonConfig = ExistingPath(file, "common.configFilePath", baseDir, common.ConfigFilePath, folder: false);
        var apps = new List<RunApp>();
        for (var i = 0; i < doc.Apps.Count; i++)
            apps.Add(App(file, $"apps[{i}]", baseDir, doc.Apps[i] ?? new RunFileApp(), common, commonResources, commonConfig, userHome));
        return apps;
    }

    private static RunApp App(
        string file, string at, string baseDir, RunFileApp app, RunFileShared common, List<string> commonResources, string? commonConfig, string? userHome)
    {
        if (string.IsNullOrWhiteSpace(app.AppDirPath))
            throw new ResourceException(file, $"{at}.appDirPath", "is required");
        var dir = ExistingPath(file, $"{at}.appDirPath", baseDir, app.AppDirPath, folder: true)!;
        var appId = string.IsNullOrWhiteSpace(app.AppId) ? Path.GetFileName(dir) : app.AppId.Trim();

        var resources = Paths(file, at, dir, app.ResourcesPaths, app.ResourcesPath, folders: true);
        var localResources = Path.Combine(dir, ".dapr", "resources");
        if (resources.Count == 0)
            resources = Directory.Exists(localResources) ? [localResources] : commonResources;
        if (resources.Count == 0)
        {
            var fallback = DefaultResourcesPath(userHome);
            resources = Directory.Exists(fallback)
                ? [fallback]
                : throw new ResourceException(file, $"{at}.resourcesPath",
                    $"names no resources folder (nor does common), and the default {fallback} does not exist: `dapr init` creates it (Redis state and pub/sub on localhost:6379), or name a folder of component YAML");
        }
        var config = ExistingPath(file, $"{at}.configFilePath", dir, app.ConfigFilePath, folder: false);
        var localConfig = Path.Combine(dir, ".dapr", "config.yaml");
        config ??= File.Exists(localConfig) ? localConfig : commonConfig;

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in common.Env ?? [])
            env[key] = value ?? "";
        foreach (var (key, value) in app.Env ?? [])
            env[key] = value ?? "";

        var protocol = (app.AppProtocol ?? common.AppProtocol ?? "http").Trim().ToLowerInvariant();
        if (!Protocols.Contains(protocol))
            throw new ResourceException(file, $"{at}.appProtocol", $"'{protocol}' is not one of {string.Join(", ", Protocols)}");

        return new RunApp
        {
            AppId = appId,
            AppDirPath = dir,
            Command = Command(file, $"{at}.command", app.Command),
            Env = env,
            AppPort = Port(file, $"{at}.appPort", app.AppPort),
            AppProtocol = protocol,
            AppHealthCheckPath = app.AppHealthCheckPath ?? common.AppHealthCheckPath,
            ResourcesPaths = resources,
            ConfigFile = config,
            DaprHttpPort = Port(file, $"{at}.daprHTTPPort", app.DaprHttpPort) ?? 0,
            DaprGrpcPort = Port(file, $"{at}.daprGRPCPort", app.DaprGrpcPort) ?? 0,
            AppLogDestination = Destination(file, $"{at}.appLogDestination", app.AppLogDestination ?? common.AppLogDestination) ?? LogDestination.FileAndConsole,
            DaprdLogDestination = Destination(file, $"{at}.daprdLogDestination", app.DaprdLogDestination ?? common.DaprdLogDestination) ?? LogDestination.File,
        };
    }

    private static List<string> Paths(string file, string at, string baseDir, List<string>? many, string? one, bool folders)
    {
        var result = new List<string>();
        for (var i = 0; i < (many?.Count ?? 0); i++)
            result.Add(ExistingPath(file, $"{at}.resourcesPaths[{i}]", baseDir, many![i], folders)!);
        if (ExistingPath(file, $"{at}.resourcesPath", baseDir, one, folders) is { } single)
            result.Add(single);
        return result;
    }

    private static string? ExistingPath(string file, string field, string baseDir, string? path, bool folder)
    {
        if (string.IsNullOrWhiteSpace(path))
            return null;
        var expanded = path.Trim();
        if (expanded == "~" || expanded.StartsWith("~/", StringComparison.Ordinal))
            expanded = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), expanded.TrimStart('~').TrimStart('/'));
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(expanded, baseDir));
        if (folder ? Directory.Exists(full) : File.Exists(full))
            return full;
        throw new ResourceException(file, field, $"{(folder ? "folder" : "file")} '{path}' does not exist ({full})");
    }

    private static int? Port(string file, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "-1")
            return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new ResourceException(file, field, $"'{text}' is not a port (1-65535)");
    }

    private static List<string> Command(string file, string field, object? value) => value switch
    {
        null => [],
        List<object> items => items.Select((item, i) => item as string
            ?? throw new ResourceException(file, $"{field}[{i}]", "must be a string")).ToList(),
        string s when s.Length == 0 => [],
        _ => throw new ResourceException(file, field, "must be a list, e.g. [\"dotnet\", \"run\"]"),
    };

    private static LogDestination? Destination(string file, string field, string? text) => text?.Trim() switch
    {
        null or "" => null,
        "console" => LogDestination.Console,
        "file" => LogDestination.File,
        "fileAndConsole" => LogDestination.FileAndConsole,
        _ => throw new ResourceException(file, field, $"'{text}' is not one of console, file, fileAndConsole"),
    };
}
