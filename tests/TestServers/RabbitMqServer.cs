using System.Diagnostics;
using RabbitMQ.Client;

namespace ShopDapr.Testing.Servers;

/// <summary>
/// One real <c>rabbitmq-server</c> for the whole test run (Debian package <c>rabbitmq-server</c>): its own epmd, node name,
/// AMQP and distribution ports, Mnesia and log folders in a temporary folder, no plugins; ready once an AMQP connection
/// opens (bounded: the broker takes tens of seconds to boot on a busy machine). Each component a test writes gets a
/// virtual host of its own (<see cref="NextVirtualHost"/>), made at start-up in one <c>rabbitmqctl eval</c>. Stopped
/// (broker, then epmd) when the test process ends.
/// </summary>
public sealed class RabbitMqServer
{
    private const int VirtualHosts = 48;
    private const string Home = "/usr/lib/rabbitmq/bin";
    private static readonly Lazy<Task<RabbitMqServer>> Instance = new(StartAsync);
    private static int _nextVirtualHost;
    private readonly ServerProcess _broker;
    private readonly ServerProcess _epmd;
    private readonly TempDir _dir;

    private RabbitMqServer(ServerProcess broker, ServerProcess epmd, int port, TempDir dir)
    {
        _broker = broker;
        _epmd = epmd;
        Port = port;
        _dir = dir;
    }

    public int Port { get; }

    public static string? Binary => ServerProcess.Find($"{Home}/rabbitmq-server");

    public static Task<RabbitMqServer> Shared => Instance.Value;

    /// <summary>An AMQP URI for a virtual host no other component of this run uses.</summary>
    public string NextConnectionString(string password = "guest") =>
        $"amqp://guest:{password}@127.0.0.1:{Port}/t{1 + (Interlocked.Increment(ref _nextVirtualHost) % VirtualHosts)}";

    private static async Task<RabbitMqServer> StartAsync()
    {
        var binary = Binary ?? throw new InvalidOperationException("rabbitmq-server is not installed (Debian package rabbitmq-server, listed in tests/apt-packages.txt)");
        var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("plugins"), "[].");
        await File.WriteAllTextAsync(dir.File("rabbitmq.conf"), "log.console = true\n");
        var port = ServerProcess.FreePort();
        var epmdPort = ServerProcess.FreePort();
        var env = new Dictionary<string, string>
        {
            ["HOME"] = dir.Path,
            ["RABBITMQ_NODENAME"] = $"devsidecar{Environment.ProcessId}@localhost",
            ["RABBITMQ_NODE_PORT"] = $"{port}",
            ["RABBITMQ_DIST_PORT"] = $"{ServerProcess.FreePort()}",
            ["ERL_EPMD_PORT"] = $"{epmdPort}",
            ["RABBITMQ_MNESIA_BASE"] = dir.File("mnesia"),
            ["RABBITMQ_LOG_BASE"] = dir.File("log"),
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_PID_FILE"] = dir.File("pid"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = dir.File("plugins"),
            ["RABBITMQ_CONFIG_FILE"] = dir.File("rabbitmq"),
        };
        var epmd = ServerProcess.Start("epmd", "/usr/bin/epmd", ["-port", $"{epmdPort}"], dir.Path, env);
        var broker = ServerProcess.Start("rabbitmq-server", binary, [], dir.Path, env);
        var server = new RabbitMqServer(broker, epmd, port, dir);
        await broker.WaitReadyAsync(async ct =>
        {
            var factory = new ConnectionFactory { Uri = new Uri($"amqp://guest:guest@127.0.0.1:{port}/"), RequestedConnectionTimeout = TimeSpan.FromSeconds(2) };
            await using var connection = await factory.CreateConnectionAsync(ct);
            return true;
        }, TimeSpan.FromSeconds(180));
        var vhosts = $"[begin V = list_to_binary(\"t\" ++ integer_to_list(I)), rabbit_vhost:add(V, <<\"tests\">>), " +
                     $"rabbit_auth_backend_internal:set_permissions(<<\"guest\">>, V, <<\".*\">>, <<\".*\">>, <<\".*\">>, <<\"tests\">>) end || I <- lists:seq(1, {VirtualHosts})], ok.";
        await RunAsync($"{Home}/rabbitmqctl", ["eval", vhosts], env, dir.Path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private static async Task RunAsync(string file, string[] args, Dictionary<string, string> env, string cwd)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (k, v) in env)
            info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await p.WaitForExitAsync(limit.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {await errors}{await output}");
    }

    private void Stop()
    {
        _broker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _epmd.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
    }
}
