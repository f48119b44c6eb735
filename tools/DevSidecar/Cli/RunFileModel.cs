using YamlDotNet.Serialization;

namespace ShopDapr.DevSidecar.Cli;

/// <summary>
/// The multi-app run file (<c>dapr run -f</c>, dapr/cli pkg/runfileconfig) as written. Numbers and the command are read
/// loosely so a wrong value is reported with its field; fields the dev sidecar has no use for are ignored, as the dapr CLI ignores unknown ones.
/// </summary>
public sealed class RunFileDocument
{
    public string? Version { get; set; }
    public string? Name { get; set; }
    public RunFileShared? Common { get; set; }
    public List<RunFileApp?>? Apps { get; set; }
}

/// <summary>What <c>common</c> and each app share; an app's own value wins.</summary>
public class RunFileShared
{
    public string? ResourcesPath { get; set; }
    public List<string>? ResourcesPaths { get; set; }
    public string? ConfigFilePath { get; set; }
    public string? AppProtocol { get; set; }
    public string? AppHealthCheckPath { get; set; }
    public Dictionary<string, string?>? Env { get; set; }
    public string? AppLogDestination { get; set; }
    public string? DaprdLogDestination { get; set; }
}

public sealed class RunFileApp : RunFileShared
{
    [YamlMember(Alias = "appID")]
    public string? AppId { get; set; }

    public string? AppDirPath { get; set; }
    public string? AppPort { get; set; }

    [YamlMember(Alias = "daprHTTPPort")]
    public string? DaprHttpPort { get; set; }

    [YamlMember(Alias = "daprGRPCPort")]
    public string? DaprGrpcPort { get; set; }

    /// <summary>A YAML list of strings; anything else is reported.</summary>
    public object? Command { get; set; }
}

public enum LogDestination { Console, File, FileAndConsole }

/// <summary>One app of a run file with every default applied and every path absolute.</summary>
public sealed record RunApp
{
    public required string AppId { get; init; }
    public required string AppDirPath { get; init; }
    public IReadOnlyList<string> Command { get; init; } = [];
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    public int? AppPort { get; init; }
    public string AppProtocol { get; init; } = "http";
    public string? AppHealthCheckPath { get; init; }
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];
    public string? ConfigFile { get; init; }

    /// <summary>0: a free port.</summary>
    public int DaprHttpPort { get; init; }

    /// <summary>0: a free port.</summary>
    public int DaprGrpcPort { get; init; }

    public LogDestination AppLogDestination { get; init; } = LogDestination.FileAndConsole;
    public LogDestination DaprdLogDestination { get; init; } = LogDestination.File;

    /// <summary>Where file logs go, as the dapr CLI: <c>&lt;appDirPath&gt;/.dapr/logs</c>.</summary>
    public string LogsDir => Path.Combine(AppDirPath, ".dapr", "logs");
}
