using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>What a <see cref="ShopRun"/> starts.</summary>
/// <param name="TestOwnedApps">Apps whose process the test starts itself (the run starts only their sidecars).</param>
/// <param name="Environment">Extra variables for the run and, through it, every app (e.g. a lifted gateway rate limit).</param>
/// <param name="LogFile">Where the run's whole output is written when it stops; null writes nothing.</param>
/// <param name="WorkDir">A working directory to run in again (a restart over the same data); null: a fresh one.</param>
public sealed record ShopRunOptions(
    IReadOnlyList<string>? TestOwnedApps = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? LogFile = null,
    string? WorkDir = null)
{
    public TimeSpan ReadyLimit { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Apps run as two replicas: the run starts the first, the test the second (see <see cref="IsolatedRunFile"/>).</summary>
    public IReadOnlyList<string> SecondReplicas { get; init; } = [];
}

/// <summary>
/// The whole shop as real processes: the built dev sidecar's <c>run -f</c> on a copy of the repo's <c>dapr.yaml</c>
/// with free ports (<see cref="IsolatedRunFile"/>), in a fresh temporary working directory (components and app folders
/// linked in, the component set <see cref="ComponentSet"/> names, so the SQLite data, relative to each app folder, starts empty and a developer's own <c>.data/</c> is never touched). Ready once every app answers its
/// readiness probe (which includes its sidecar's) and the catalog has loaded its demo products. Disposing sends SIGTERM,
/// as Ctrl+C would: the run stops every app gracefully, then the sidecars.
/// </summary>
public sealed class ShopRun : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly Dictionary<string, OwnedApp> _owned = new(StringComparer.Ordinal);
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string? _logFile;
    private Process? _run;

    private ShopRun(string workDir, Uri gateway, string? logFile)
    {
        WorkDir = workDir;
        Gateway = gateway;
        _logFile = logFile;
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SidecarDll => Path.Combine(RepoRoot, "tools/DevSidecar/bin/Debug/net10.0/ShopDapr.DevSidecar.dll");

    public Uri Gateway { get; }

    /// <summary>The run's working directory: relative component paths (the SQLite file, the mail drop) resolve against it.</summary>
    public string WorkDir { get; }

    /// <summary>What the run printed so far (apps and sidecars, prefixed), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>An app the test starts and stops itself (named in <see cref="ShopRunOptions.TestOwnedApps"/>).</summary>
    public OwnedApp Owned(string appId) => _owned[appId];

    /// <summary>Whether disposing deletes the working directory (and its data): true unless it was given in the options.</summary>
    public bool DeleteWorkDirOnDispose { get; set; }

    public static async Task<ShopRun> StartAsync(ShopRunOptions options, CancellationToken cancellationToken)
    {
        // The ports were free when picked, but another process on a busy machine may take one before the run binds it:
        // then the run stops at once, naming the port, and a second pick of ports (same working directory) goes on.
        var ownsWorkDir = options.WorkDir is null;
        var workDir = options.WorkDir ?? Directory.CreateTempSubdirectory("shop-run-").FullName;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var shop = await StartOnceAsync(options, workDir, cancellationToken);
                shop.DeleteWorkDirOnDispose = ownsWorkDir;
                return shop;
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
            catch when (ownsWorkDir)
            {
                Directory.Delete(workDir, recursive: true);
                throw;
            }
        }
    }

    private static async Task<ShopRun> StartOnceAsync(ShopRunOptions options, string workDir, CancellationToken cancellationToken)
    {
        if (!File.Exists(SidecarDll))
            throw new InvalidOperationException($"{SidecarDll} is missing: build the solution first (./test.sh does)");
        if (!Directory.Exists(Path.Combine(workDir, "components")))
            await ComponentSet.PrepareAsync(RepoRoot, workDir, cancellationToken);
        var (runFile, gatewayPort, appPorts, owned) =
            IsolatedRunFile.Write(Path.Combine(RepoRoot, "dapr.yaml"), workDir, [.. options.TestOwnedApps ?? []], componentSet: ComponentSet.Name,
                secondReplicas: options.SecondReplicas);
        var shop = new ShopRun(workDir, new Uri($"http://localhost:{gatewayPort}"), options.LogFile);
        try
        {
            shop.Start(runFile, options.Environment);
            // As the run does for the apps it starts: each app once its sidecar listens.
            foreach (var spec in owned)
            {
                await shop.WaitForSidecarAsync(spec, TimeSpan.FromMinutes(1), cancellationToken);
                var app = new OwnedApp(spec, shop.Append);
                shop._owned[spec.AppId] = app;
                app.Start();
            }
            await shop.WaitUntilReadyAsync(appPorts.Values, options.ReadyLimit, cancellationToken);
            return shop;
        }
        catch (Exception e)
        {
            await shop.DisposeAsync();
            if (shop.Log.Contains("address already in use", StringComparison.Ordinal))
                throw new PortTakenException(e);
            throw;
        }
    }

    private sealed class PortTakenException(Exception inner) : Exception("a port of the run was taken before it bound it", inner);

    private void Start(string runFile, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = WorkDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { SidecarDll, "run", "-f", runFile })
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        _run = Process.Start(info) ?? throw new InvalidOperationException("the dev sidecar did not start");
        _run.OutputDataReceived += (_, e) => Append(e.Data);
        _run.ErrorDataReceived += (_, e) => Append(e.Data);
        _run.BeginOutputReadLine();
        _run.BeginErrorReadLine();
    }

    private async Task WaitForSidecarAsync(OwnedAppSpec app, TimeSpan limit, CancellationToken cancellationToken)
    {
        var probe = new Uri($"http://127.0.0.1:{app.DaprHttpPort}/v1.0/healthz/outbound");
        var token = app.Env.GetValueOrDefault("DAPR_API_TOKEN");
        await PollAsync($"{app.AppId}'s sidecar to listen", limit, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, probe);
            if (token is not null)
                request.Headers.Add("dapr-api-token", token);
            using var answer = await _probe.SendAsync(request, cancellationToken);
            return answer.IsSuccessStatusCode;
        }, cancellationToken);
    }

    private async Task WaitUntilReadyAsync(IEnumerable<int> appPorts, TimeSpan limit, CancellationToken cancellationToken)
    {
        var waiting = new HashSet<int>(appPorts);
        await PollAsync("the shop to be ready", limit, async () =>
        {
            foreach (var port in waiting.ToList())
            {
                using var health = await _probe.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"), cancellationToken);
                if (health.IsSuccessStatusCode)
                    waiting.Remove(port);
            }
            return waiting.Count == 0
                && await _probe.GetFromJsonAsync<Page>(new Uri(Gateway, "/api/catalog/products?pageSize=1"), cancellationToken) is { Total: > 0 };
        }, cancellationToken);
    }

    /// <summary>Until <paramref name="ready"/> says so; a refused connection or a timed-out request means not yet.</summary>
    private async Task PollAsync(string what, TimeSpan limit, Func<Task<bool>> ready, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_run!.HasExited)
                throw new InvalidOperationException($"run -f dapr.yaml exited with {_run.ExitCode} while waiting for {what}:\n{Log}");
            if (Volatile.Read(ref _appCrashed) is { } crashed)
                throw new InvalidOperationException($"{crashed} (while waiting for {what}):\n{Log}");
            if (clock.Elapsed > limit)
                throw new TimeoutException($"waited {limit} for {what}:\n{Log}");
            try
            {
                if (await ready())
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // a request timed out while everything starts
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Ctrl+C as a terminal sends it to the run alone (SIGINT); waits for the run to end and returns its exit code.</summary>
    public async Task<int> InterruptAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        using (var interrupt = Process.Start("kill", ["-INT", _run!.Id.ToString(CultureInfo.InvariantCulture)]))
            await interrupt.WaitForExitAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        await _run.WaitForExitAsync(deadline.Token);
        return _run.ExitCode;
    }

    /// <summary>
    /// A power cut: SIGKILL to the run process (every sidecar lives in it) and to every app it started (each in a session of
    /// its own, so not reached through the run) and the apps the test owns, nothing drained or saved.
    /// </summary>
    public async Task CrashAsync(CancellationToken cancellationToken)
    {
        var run = _run ?? throw new InvalidOperationException("the run was never started");
        var apps = ChildrenOf(run.Id);
        Append($"== TEST == kill -9 of the dev sidecar (pid {run.Id}) and its apps ({string.Join(", ", apps)})");
        run.Kill();
        foreach (var pid in apps)
        {
            try
            {
                using var app = Process.GetProcessById(pid);
                app.Kill();
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }
        foreach (var owned in _owned.Values)
            await owned.KillAsync(cancellationToken);
        await run.WaitForExitAsync(cancellationToken);
    }

    /// <summary>The processes whose parent is <paramref name="parent"/> (Linux /proc: the 4th field of stat, after the name in parentheses).</summary>
    private static List<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                    children.Add(pid);
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
        }
        return children;
    }

    public async ValueTask DisposeAsync()
    {
        _probe.Dispose();
        foreach (var app in _owned.Values)
            await app.DisposeAsync();
        if (_run is { HasExited: false })
        {
            using (var kill = Process.Start("kill", ["-TERM", _run.Id.ToString(CultureInfo.InvariantCulture)]))
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
        if (_logFile is not null)
            await File.WriteAllTextAsync(_logFile, Log);
        if (DeleteWorkDirOnDispose)
            Directory.Delete(WorkDir, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        if (line.StartsWith(NotEveryAppIsReady, StringComparison.Ordinal))
            Volatile.Write(ref _appCrashed, line);
        lock (_log)
            _log.AppendLine(line);
    }

    /// <summary>What the run prints when an app exits before it was ready (the others keep running, so the run does not end).</summary>
    private const string NotEveryAppIsReady = "error: not every app is ready";

    private string? _appCrashed;

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
