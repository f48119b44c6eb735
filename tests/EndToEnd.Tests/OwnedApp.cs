using System.Diagnostics;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// One app of the shop that the test, not the run, starts: the same command and environment the run would give it
/// (<see cref="OwnedAppSpec"/>), its output in the shop log. <see cref="Kill"/> is <c>kill -9</c>: no shutdown hook,
/// no flushed buffer, no goodbye to the sidecar, as a crashed or OOM-killed process goes.
/// </summary>
public sealed class OwnedApp(OwnedAppSpec spec, Action<string> log) : IAsyncDisposable
{
    private Process? _process;

    public string AppId => spec.AppId;

    public bool Running => _process is { HasExited: false };

    public void Start()
    {
        if (Running)
            throw new InvalidOperationException($"{AppId} runs already");
        _process?.Dispose();
        var info = new ProcessStartInfo(spec.Command[0])
        {
            WorkingDirectory = spec.AppDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in spec.Command.Skip(1))
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in spec.Env)
            info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{AppId} did not start");
        var prefix = $"== APP - {AppId} (test-owned, pid {process.Id}) == ";
        process.OutputDataReceived += (_, e) => Line(prefix, e.Data);
        process.ErrorDataReceived += (_, e) => Line(prefix, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        log($"== TEST == started {AppId} as pid {process.Id}");
    }

    /// <summary>SIGKILL (Process.Kill without the tree: the app has no children), then waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        var process = _process ?? throw new InvalidOperationException($"{AppId} was never started");
        log($"== TEST == kill -9 {AppId} (pid {process.Id})");
        process.Kill();
        await process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>Until the app answers its readiness probe (which includes its sidecar) on its own port.</summary>
    public async Task WaitReadyAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process is not { HasExited: false } process)
                throw new InvalidOperationException($"{AppId} is not running (exit code {_process?.ExitCode})");
            try
            {
                using var answer = await http.GetAsync($"http://127.0.0.1:{spec.AppPort}/healthz", cancellationToken);
                if (answer.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // a probe timed out on a busy machine
            }
            if (clock.Elapsed > limit)
                throw new TimeoutException($"{AppId} (pid {process.Id}) was not ready within {limit}");
            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            // SIGTERM first, as the run stops its apps; killed if it lingers.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        _process?.Dispose();
    }

    private void Line(string prefix, string? line)
    {
        if (line is not null)
            log(prefix + line);
    }
}
