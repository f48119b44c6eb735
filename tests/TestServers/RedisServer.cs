using System.Net.Sockets;
using System.Text;

namespace ShopDapr.Testing.Servers;

/// <summary>
/// One real <c>redis-server</c> for the whole test run (Debian package <c>redis-server</c>), started on first use on a free
/// loopback port with no persistence, in a temporary folder, and stopped when the test process ends. Each component a
/// test writes gets a database of its own (<see cref="NextDatabase"/>), so tests running side by side never see each
/// other's keys.
/// </summary>
public sealed class RedisServer
{
    private const int Databases = 4096;
    private static readonly Lazy<Task<RedisServer>> Instance = new(StartAsync);
    private static int _nextDatabase;
    private readonly ServerProcess _process;

    private RedisServer(ServerProcess process, int port, TempDir dir)
    {
        _process = process;
        Port = port;
        Dir = dir;
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    private TempDir Dir { get; }

    public static string? Binary => ServerProcess.Find("/usr/bin/redis-server");

    public static Task<RedisServer> Shared => Instance.Value;

    /// <summary>A database number no other component of this run uses.</summary>
    public static int NextDatabase() => 1 + (Interlocked.Increment(ref _nextDatabase) % (Databases - 1));

    private static async Task<RedisServer> StartAsync()
    {
        var binary = Binary ?? throw new InvalidOperationException("redis-server is not installed (Debian package redis-server, listed in tests/apt-packages.txt)");
        var dir = new TempDir();
        var port = ServerProcess.FreePort();
        var process = ServerProcess.Start("redis-server", binary,
            ["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.Path,
             "--databases", $"{Databases}", "--daemonize", "no", "--logfile", ""], dir.Path);
        var server = new RedisServer(process, port, dir);
        await process.WaitReadyAsync(server.PingAsync, TimeSpan.FromSeconds(20));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>PING over the wire protocol; true on +PONG.</summary>
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, ct);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
        var buffer = new byte[64];
        var n = await stream.ReadAsync(buffer, ct);
        return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
    }

    /// <summary>A client of the server, on <paramref name="database"/>, to look at what a component wrote.</summary>
    public async Task<StackExchange.Redis.IDatabase> ConnectAsync(int database)
    {
        var mux = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{Host},abortConnect=true");
        return mux.GetDatabase(database);
    }

    private void Stop()
    {
        _process.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Dir.Dispose();
    }
}
