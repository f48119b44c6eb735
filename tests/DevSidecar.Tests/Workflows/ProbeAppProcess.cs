using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Dapr.Workflow;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>
/// tests/WorkflowProbeApp run as its own process (<c>dotnet WorkflowProbeApp.dll</c>), pointed at a sidecar through
/// DAPR_GRPC_ENDPOINT / DAPR_HTTP_ENDPOINT as <c>dapr run</c> points an app. Its activities write to <see cref="ProbeLog"/>.
/// </summary>
internal sealed class ProbeAppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ProbeAppProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the app printed, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    private static string Dll =>
        typeof(ProbeAppProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkflowProbeApp").Value
        ?? throw new InvalidOperationException("the WorkflowProbeApp path is not in the test assembly's metadata");

    public static ProbeAppProcess Start(Sidecar sidecar, ProbeLog log, string gate)
    {
        if (!File.Exists(Dll))
            throw new InvalidOperationException($"{Dll} is missing: build tests/DevSidecar.Tests (it builds the probe app)");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var inherited in new[] { "DAPR_API_TOKEN", "APP_API_TOKEN", "DAPR_GRPC_PORT", "DAPR_HTTP_PORT" })
            info.Environment.Remove(inherited);
        info.Environment["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
        info.Environment["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["PROBE_LOG"] = log.Path;
        info.Environment["PROBE_GATE"] = gate;
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var app = new ProbeAppProcess(process);
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Runs the probe app with <paramref name="args"/> (a one-shot mode) to its end; the exit code and its whole output.</summary>
    public static async Task<(int Code, string Output)> RunToEndAsync(
        IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var inherited in new[] { "DAPR_API_TOKEN", "APP_API_TOKEN", "DAPR_GRPC_PORT", "DAPR_HTTP_PORT", "DAPR_HTTP_ENDPOINT", "DAPR_GRPC_ENDPOINT" })
            info.Environment.Remove(inherited);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout + await stderr).ReplaceLineEndings("\n"));
    }

    /// <summary>A host that is built but never started: its <see cref="Dapr.Workflow.DaprWorkflowClient"/> talks to the sidecar, no worker runs here.</summary>
    public static Microsoft.Extensions.Hosting.IHost ClientFor(Sidecar sidecar)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(
            new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        builder.Services.AddDaprWorkflow(_ => { });
        return builder.Build();
    }

    /// <summary>SIGKILL (what <c>kill -9</c> sends; <see cref="Process.Kill()"/> sends it on Linux): no shutdown code runs.</summary>
    public async Task KillHardAsync(CancellationToken cancellationToken)
    {
        _process.Kill();
        await _process.WaitForExitAsync(cancellationToken);
    }

    private void Keep(string? line)
    {
        if (line is not null)
            _output.Enqueue(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        _process.Dispose();
    }
}

/// <summary>The probe app's activity log: one line per activity event, <c>{event} {input} pid={process id}</c>.</summary>
internal sealed class ProbeLog(string path)
{
    public string Path { get; } = path;

    /// <summary>The complete lines so far (a line still being written is left out).</summary>
    public IReadOnlyList<string> Lines()
    {
        if (!File.Exists(Path))
            return [];
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var complete = text.LastIndexOf('\n');
        return complete < 0 ? [] : text[..complete].Split('\n');
    }

    public IReadOnlyList<string> Lines(string activityEvent) =>
        Lines().Where(l => l.StartsWith(activityEvent + " ", StringComparison.Ordinal)).ToList();

    /// <summary>Polls the file until <paramref name="condition"/> holds; fails early when the app has exited.</summary>
    public async Task UntilAsync(Func<ProbeLog, bool> condition, ProbeAppProcess app, TimeSpan deadline, string what)
    {
        var end = DateTime.UtcNow + deadline;
        while (!condition(this))
        {
            if (app.HasExited)
                Assert.Fail($"the probe app exited ({app.ExitCode}) while waiting for: {what}\n{app.Output}");
            if (DateTime.UtcNow > end)
                Assert.Fail($"Timed out after {deadline} waiting for: {what}\nlog:\n{string.Join('\n', Lines())}\napp:\n{app.Output}");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }
}
