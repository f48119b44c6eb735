using System.Diagnostics;
using Npgsql;

namespace ShopDapr.Testing.Servers;

/// <summary>
/// One real PostgreSQL for the whole test run (Debian package <c>postgresql</c>): <c>initdb</c> into a temporary folder
/// (password authentication), then <c>postgres</c> on a free loopback port without fsync, stopped when the test process
/// ends. As root both run as the <c>postgres</c> user (setpriv). Each component a test writes gets a table of its own
/// (<see cref="NextTable"/>).
/// </summary>
public sealed class PostgresServer
{
    public const string Password = "dev-sidecar-tests";
    private static readonly Lazy<Task<PostgresServer>> Instance = new(StartAsync);
    private static int _nextTable;
    private readonly ServerProcess _process;
    private readonly TempDir _dir;

    private PostgresServer(ServerProcess process, int port, TempDir dir)
    {
        _process = process;
        Port = port;
        _dir = dir;
    }

    public int Port { get; }

    /// <summary>libpq's key=value form, as Dapr's docs write it.</summary>
    public string ConnectionString(string password = Password, string database = "postgres") =>
        $"host=127.0.0.1 port={Port} user=postgres password={password} database={database} connect_timeout=5";

    /// <summary>Npgsql's form, for a test looking at what a component wrote.</summary>
    public string NpgsqlConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Password = Password, Database = "postgres", Pooling = false,
    }.ConnectionString;

    public static string? BinDir => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "postgres"))).Order().LastOrDefault()
        : null;

    public static Task<PostgresServer> Shared => Instance.Value;

    public static string NextTable() => $"state_{Interlocked.Increment(ref _nextTable)}_{Environment.ProcessId}";

    private static async Task<PostgresServer> StartAsync()
    {
        var bin = BinDir ?? throw new InvalidOperationException("PostgreSQL is not installed (Debian package postgresql, listed in tests/apt-packages.txt)");
        var dir = new TempDir();
        var asRoot = Environment.UserName == "root";
        await File.WriteAllTextAsync(dir.File("pw"), Password);
        if (asRoot)
            await RunAsync("chown", ["-R", "postgres:postgres", dir.Path]);
        string[] user = asRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : [];
        string[] initdb = [.. user, Path.Combine(bin, "initdb"), "-D", dir.File("data"), "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={dir.File("pw")}", "-E", "UTF8", "--no-sync"];
        await RunAsync(initdb[0], initdb[1..], dir.Path);
        var port = ServerProcess.FreePort();
        string[] postgres = [.. user, Path.Combine(bin, "postgres"), "-D", dir.File("data"), "-p", $"{port}", "-h", "127.0.0.1", "-k", dir.Path,
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=500"];
        var process = ServerProcess.Start("postgres", postgres[0], postgres[1..], dir.Path);
        var server = new PostgresServer(process, port, dir);
        await process.WaitReadyAsync(async ct =>
        {
            await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1", Port = port, Username = "postgres", Password = Password, Database = "postgres", Pooling = false, Timeout = 2,
            }.ConnectionString);
            await conn.OpenAsync(ct);
            return true;
        }, TimeSpan.FromSeconds(30));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private static async Task RunAsync(string file, string[] args, string? cwd = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd ?? "/" };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {await errors}{await output}");
    }

    private void Stop()
    {
        _process.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
    }
}
