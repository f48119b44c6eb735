using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ShopDapr.DevSidecar.Cli;

/// <summary>
/// One app's command, started in its <c>appDirPath</c> with its environment; every stdout and stderr line goes to its sink.
/// <see cref="StopAsync"/> stops it as the dapr CLI does: SIGTERM first, then (after a grace period) the whole process tree is killed.
/// On Linux the app gets a session of its own (<c>setsid</c>): a Ctrl+C in the terminal reaches only <c>run</c>, which
/// first lets the sidecars deliver what they hold to the apps, still running, and then stops them itself.
/// </summary>
public sealed partial class AppProcess : IDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>True once <see cref="StopAsync"/> was asked: an exit after that is no crash.</summary>
    public bool StopRequested { get; private set; }

    /// <exception cref="System.ComponentModel.Win32Exception">The command cannot be started (not found, not executable).</exception>
    public static AppProcess Start(RunApp app, IReadOnlyDictionary<string, string> environment, LineSink sink)
    {
        var program = app.Command[0];
        if (program.Contains('/') && !Path.IsPathRooted(program))
            program = Path.GetFullPath(program, app.AppDirPath); // as the dapr CLI (Go's exec with Dir): relative to the app folder
        var ownSession = OperatingSystem.IsLinux() && File.Exists(Setsid);
        if (ownSession)
            program = Executable(program);
        var info = new ProcessStartInfo(ownSession ? Setsid : program)
        {
            WorkingDirectory = app.AppDirPath,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (ownSession)
            info.ArgumentList.Add(program);
        foreach (var arg in app.Command.Skip(1))
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var running = new AppProcess(process);
        process.OutputDataReceived += (_, e) => running.Received(e.Data, sink, running._stdoutClosed);
        process.ErrorDataReceived += (_, e) => running.Received(e.Data, sink, running._stderrClosed);
        process.Exited += (_, _) => running._exited.TrySetResult(process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    private const string Setsid = "/usr/bin/setsid";

    /// <summary>The program as a path that exists (searched on PATH when it names no folder); else what Process.Start would throw.</summary>
    private static string Executable(string program)
    {
        if (program.Contains('/'))
            return File.Exists(program) ? program : throw new System.ComponentModel.Win32Exception(2, "No such file or directory");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new System.ComponentModel.Win32Exception(2, "No such file or directory");
    }

    private void Received(string? line, LineSink sink, TaskCompletionSource closed)
    {
        if (line is null)
            closed.TrySetResult();
        else
            sink.Line(line);
    }

    /// <summary>Waits (briefly: a grandchild may hold the pipes open) until the last output line is written.</summary>
    public async Task DrainAsync()
    {
        try
        {
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            // A child of the app still holds its output open; its later lines are lost with it.
        }
    }

    /// <summary>SIGTERM, then the process tree is killed if it has not exited within <paramref name="grace"/>. Returns true when it stopped by itself.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        StopRequested = true;
        if (_exited.Task.IsCompleted)
            return true;
        if (OperatingSystem.IsWindows() || Kill(_process.Id, SigTerm) != 0)
        {
            _process.Kill(entireProcessTree: true);
            await _exited.Task;
            return false;
        }
        try
        {
            await _exited.Task.WaitAsync(grace);
            return true;
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _exited.Task;
            return false;
        }
    }

    public void Dispose() => _process.Dispose();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
