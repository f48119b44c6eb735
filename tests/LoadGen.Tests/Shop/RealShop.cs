using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace ShopDapr.LoadGen.Tests.Shop;

/// <summary>
/// The real shop for one test, as the end-to-end suite runs it: the built dev sidecar's <c>run -f</c> on a copy of the
/// repo's <c>dapr.yaml</c> with free ports (<see cref="EndToEnd.Tests.IsolatedRunFile"/>), in a fresh working directory.
/// The gateway's per-client rate limit is lifted, as for any single load client.
/// </summary>
internal sealed class RealShop : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly Process _run;
    private readonly string _workDir;

    private RealShop(Process run, string workDir, Uri gateway)
    {
        _run = run;
        _workDir = workDir;
        Gateway = gateway;
    }

    public Uri Gateway { get; }

    public string LogTail
    {
        get
        {
            lock (_log)
                return string.Join('\n', _log.ToString().Split('\n').TakeLast(40));
        }
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SidecarDll => Path.Combine(RepoRoot, "tools/DevSidecar/bin/Debug/net10.0/ShopDapr.DevSidecar.dll");

    public static async Task<RealShop> StartAsync(TimeSpan limit, CancellationToken ct)
    {
        var workDir = Directory.CreateTempSubdirectory("loadgen-shop-").FullName;
        Directory.CreateSymbolicLink(Path.Combine(workDir, "components"), Path.Combine(RepoRoot, "components"));
        var (runFile, gatewayPort) = EndToEnd.Tests.IsolatedRunFile.Write(Path.Combine(RepoRoot, "dapr.yaml"), workDir);
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { SidecarDll, "run", "-f", runFile })
            info.ArgumentList.Add(arg);
        info.Environment["Gateway__RateLimitPermits"] = "1000000";
        var shop = new RealShop(Process.Start(info) ?? throw new InvalidOperationException("the dev sidecar did not start"), workDir,
            new Uri($"http://localhost:{gatewayPort}"));
        shop._run.OutputDataReceived += (_, e) => shop.Append(e.Data);
        shop._run.ErrorDataReceived += (_, e) => shop.Append(e.Data);
        shop._run.BeginOutputReadLine();
        shop._run.BeginErrorReadLine();
        try
        {
            await shop.WaitUntilServingAsync(limit, ct);
            return shop;
        }
        catch
        {
            await shop.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilServingAsync(TimeSpan limit, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_run.HasExited)
                throw new InvalidOperationException($"run -f exited with {_run.ExitCode} before the shop served:\n{LogTail}");
            if (clock.Elapsed > limit)
                throw new TimeoutException($"the shop did not serve products within {limit}:\n{LogTail}");
            try
            {
                if (await http.GetFromJsonAsync<Page>("/api/catalog/products?pageSize=1", ct) is { Total: > 0 })
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // a request timed out while everything starts
            }
            await Task.Delay(250, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.HasExited)
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
        _run.Dispose();
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
