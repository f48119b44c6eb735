using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ShopDapr.Testing.Servers;

/// <summary>
/// A database or broker server a test suite starts for itself: its own process group (so stopping it ends every process
/// it forked), a watchdog that ends that group if the test process dies first, and a bounded wait for readiness.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _server;
    private readonly Process _watchdog;
    private readonly string _name;

    private ServerProcess(string name, Process server, Process watchdog)
    {
        _name = name;
        _server = server;
        _watchdog = watchdog;
    }

    public int Pid => _server.Id;

    public bool HasExited => _server.HasExited;

    /// <summary>Starts <paramref name="file"/> in a new session (setsid): its pid is its process group id.</summary>
    public static ServerProcess Start(string name, string file, IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo("setsid") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(file);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
            info.Environment[k] = v;
        var server = Process.Start(info) ?? throw new InvalidOperationException($"{name}: could not start {file}");
        var log = new List<string>();
        server.OutputDataReceived += (_, e) => { if (e.Data is { } l) lock (log) log.Add(l); };
        server.ErrorDataReceived += (_, e) => { if (e.Data is { } l) lock (log) log.Add(l); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var watch = new ProcessStartInfo("setsid") { RedirectStandardOutput = false };
        watch.ArgumentList.Add("bash");
        watch.ArgumentList.Add("-c");
        watch.ArgumentList.Add($"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 {server.Id} 2>/dev/null; do sleep 1; done; kill -TERM -- -{server.Id} 2>/dev/null");
        var watchdog = Process.Start(watch)!;
        return new ServerProcess(name, server, watchdog);
    }

    /// <summary>Polls <paramref name="ready"/> until it holds, the server exits, or <paramref name="limit"/> passes.</summary>
    public async Task WaitReadyAsync(Func<CancellationToken, Task<bool>> ready, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_server.HasExited)
                throw new InvalidOperationException($"{_name} exited with code {_server.ExitCode} before it was ready");
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                if (await ready(attempt.Token))
                    return;
            }
            catch (Exception)
            {
                // not yet: refused, reset, or the server still starting up
            }
            if (deadline.Elapsed > limit)
                throw new TimeoutException($"{_name} was not ready within {limit.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    /// <summary>TERM to the whole process group, then KILL if it lingers.</summary>
    public async ValueTask DisposeAsync()
    {
        Signal("TERM", _server.Id);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _server.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Signal("KILL", _server.Id);
        }
        try
        {
            _watchdog.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _server.Dispose();
        _watchdog.Dispose();
    }

    private static void Signal(string signal, int group)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", "--", $"-{group}" }, RedirectStandardError = true });
        kill?.WaitForExit();
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether a Debian package's program is installed (tests/apt-packages.txt lists it for test.sh).</summary>
    public static string? Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists);
}
