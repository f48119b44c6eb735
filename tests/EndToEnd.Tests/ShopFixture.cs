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
/// A derived fixture may name apps the test owns (<see cref="Owned"/>): the run starts only their sidecars, and the
/// fixture starts the apps itself once their sidecars listen, so a test can <c>kill -9</c> and restart one.
/// </summary>
public class ShopFixture : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private readonly string[] _testOwnedApps;
    private readonly Dictionary<string, OwnedApp> _owned = new(StringComparer.Ordinal);
    private Process? _run;
    private string? _workDir;

    public ShopFixture()
        : this([])
    {
    }

    protected ShopFixture(params string[] testOwnedApps) => _testOwnedApps = testOwnedApps;

    /// <summary>Where the run's whole output is written (beside the test dll) when the shop stops.</summary>
    protected virtual string LogFileName => "shop-e2e.log";

    /// <summary>An app the test starts and stops itself (named when the fixture was made).</summary>
    public OwnedApp Owned(string appId) => _owned[appId];

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
        var (runFile, gatewayPort, appPorts, owned) = IsolatedRunFile.Write(Path.Combine(RepoRoot, "dapr.yaml"), _workDir, _testOwnedApps);
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

        // As the run does for the apps it starts: each app once its sidecar listens.
        foreach (var spec in owned)
        {
            await WaitForSidecarAsync(spec, TimeSpan.FromMinutes(1));
            var app = new OwnedApp(spec, Append);
            _owned[spec.AppId] = app;
            app.Start();
        }
        await WaitUntilReadyAsync(appPorts.Values, TimeSpan.FromMinutes(3));
    }

    private async Task WaitForSidecarAsync(OwnedAppSpec app, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var probe = new Uri($"http://127.0.0.1:{app.DaprHttpPort}/v1.0/healthz/outbound");
        var token = app.Env.GetValueOrDefault("DAPR_API_TOKEN");
        while (true)
        {
            if (_run!.HasExited)
                throw new InvalidOperationException($"run -f dapr.yaml exited with {_run.ExitCode} before {app.AppId}'s sidecar listened:\n{Log}");
            if (clock.Elapsed > limit)
                throw new TimeoutException($"{app.AppId}'s sidecar did not listen within {limit}:\n{Log}");
            using var request = new HttpRequestMessage(HttpMethod.Get, probe);
            if (token is not null)
                request.Headers.Add("dapr-api-token", token);
            try
            {
                using var answer = await Http.SendAsync(request);
                if (answer.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
    }

    private async Task WaitUntilReadyAsync(IEnumerable<int> appPorts, TimeSpan limit)
    {
        var waiting = new HashSet<int>(appPorts);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_run!.HasExited)
                throw new InvalidOperationException($"run -f dapr.yaml exited with {_run.ExitCode} before the shop was ready:\n{Log}");
            if (clock.Elapsed > limit)
                throw new TimeoutException($"the shop was not ready within {limit}:\n{Log}");
            try
            {
                // Ready = every app answers its readiness probe, which includes its sidecar's (that one waits for the app's
                // actor types and subscriptions), and the catalog has loaded its demo products (first start of an empty store).
                foreach (var port in waiting.ToList())
                {
                    using var health = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
                    if (health.IsSuccessStatusCode)
                        waiting.Remove(port);
                }
                if (waiting.Count == 0)
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
        foreach (var app in _owned.Values)
            await app.DisposeAsync();
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
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, LogFileName), Log);
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
