using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

[assembly: AssemblyFixture(typeof(ShopDapr.EndToEnd.Tests.ShopFixture))]

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// The whole shop, once per test run: the real service processes under the dev sidecar, started from the repo's own
/// <c>dapr.yaml</c> as the README's run command does (its ports swapped for free ones, see <see cref="IsolatedRunFile"/>),
/// driven only through the gateway. The run's working directory is a fresh temporary folder (components linked in), so
/// the SQLite data starts empty and a developer's own <c>.data/</c> is never touched.
/// </summary>
public sealed class ShopFixture : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private Process? _run;
    private string? _workDir;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The run's working directory: relative component paths (the SQLite file, the mail drop) resolve against it.</summary>
    public string WorkDir => _workDir ?? throw new InvalidOperationException("The shop has not been started.");

    /// <summary>Where the mail binding (components/local/mail.yaml, rootPath <c>.data/mail</c>) writes customer e-mail.</summary>
    public string MailDir => Path.Combine(WorkDir, ".data", "mail");

    /// <summary>What the run printed so far (apps and sidecars, prefixed), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    public async ValueTask InitializeAsync()
    {
        var cli = Path.Combine(RepoRoot, "tools/DevSidecar/bin/Debug/net10.0/ShopDapr.DevSidecar.dll");
        if (!File.Exists(cli))
            throw new InvalidOperationException($"{cli} is missing: build the solution first (./test.sh does)");
        _workDir = Directory.CreateTempSubdirectory("shop-e2e-").FullName;
        Directory.CreateSymbolicLink(Path.Combine(_workDir, "components"), Path.Combine(RepoRoot, "components"));
        var (runFile, gatewayPort) = IsolatedRunFile.Write(Path.Combine(RepoRoot, "dapr.yaml"), _workDir);
        Http.BaseAddress = new Uri($"http://localhost:{gatewayPort}");

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { cli, "run", "-f", runFile })
            info.ArgumentList.Add(arg);
        _run = Process.Start(info) ?? throw new InvalidOperationException("the dev sidecar did not start");
        _run.OutputDataReceived += (_, e) => Append(e.Data);
        _run.ErrorDataReceived += (_, e) => Append(e.Data);
        _run.BeginOutputReadLine();
        _run.BeginErrorReadLine();

        await WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
    }

    private async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_run!.HasExited)
                throw new InvalidOperationException($"run -f dapr.yaml exited with {_run.ExitCode} before the shop was ready:\n{Log}");
            if (clock.Elapsed > limit)
                throw new TimeoutException($"the shop was not ready within {limit}:\n{Log}");
            try
            {
                // Ready = the gateway is healthy and the catalog has loaded its demo products (first start of an empty store).
                var health = await Http.GetAsync("/healthz");
                if (health.IsSuccessStatusCode)
                {
                    var page = await Http.GetFromJsonAsync<Page>("/api/catalog/products?pageSize=1");
                    if (page is { Total: > 0 })
                        return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // a request timed out while everything starts
            }
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_run is { HasExited: false })
        {
            // SIGTERM, as Ctrl+C would: the run stops every app gracefully, then the sidecars.
            using (var kill = Process.Start("kill", ["-TERM", _run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _run.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _run.Kill(entireProcessTree: true);
                await _run.WaitForExitAsync();
            }
        }
        _run?.Dispose();
        // The whole run's output, for a failure whose cause scrolled out of the tail a test message shows.
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "shop-e2e.log"), Log);
        if (_workDir is not null)
            Directory.Delete(_workDir, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.AppendLine(line);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ShopDapr.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("ShopDapr.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed record Page(int Total);
}
