using System.CommandLine;
using ShopDapr.LoadGen.Cli;
using ShopDapr.LoadGen.Output;

namespace ShopDapr.LoadGen.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--shoppers 4 --rate 10", "exclude each other")]
    [InlineData("--rate 0", "--rate must be more than 0")]
    [InlineData("--shoppers 0", "--shoppers must be 1 to 10000")]
    [InlineData("--duration 0", "--duration must be more than 0")]
    [InlineData("--warmup -1", "--warmup must be 0 to 3600")]
    [InlineData("--poll-ms 1", "--poll-ms must be 10 to 10000")]
    [InlineData("--products 500", "--products must be 1 to 100")]
    [InlineData("--ready-timeout 0", "--ready-timeout must be more than 0")]
    [InlineData("--url localhost:5000/api", "--url must be an absolute http(s) URL")]
    [InlineData("--url ftp://localhost", "--url must be an absolute http(s) URL")]
    [InlineData("--accounts 5", "--accounts applies to the open loop only")]
    [InlineData("--in-process --rate 5", "--rate does not apply")]
    [InlineData("--fraud-share 0.05", "--fraud-share needs --tastes")]
    [InlineData("--tastes --fraud-share 0.9", "--fraud-share must be 0 to 0.5")]
    [InlineData("--tastes --in-process", "--in-process runs no shop")]
    public async Task A_bad_value_is_named_and_the_exit_code_is_1(string args, string expected)
    {
        var (exit, output, error) = await RunAsync(args.Split(' '));

        Assert.Equal(LoadGenCommand.BadArguments, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("orders completed/s", output, StringComparison.Ordinal); // nothing ran
    }

    [Theory]
    [InlineData("--shoppers many", "many")]
    [InlineData("--frobnicate", "--frobnicate")]
    public async Task An_unparsable_or_unknown_argument_is_named_and_the_exit_code_is_1(string args, string named)
    {
        var (exit, _, error) = await RunAsync(args.Split(' '));

        Assert.Equal(1, exit);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid_and_mean_a_closed_loop_of_16_shoppers()
    {
        var settings = new LoadSettings();

        Assert.Empty(settings.Validate());
        Assert.Equal(LoadMode.ClosedLoop, settings.Mode);
        Assert.Equal(16, settings.EffectiveShoppers);
    }

    [Fact]
    public void A_rate_means_an_open_loop_with_enough_accounts_for_four_seconds_of_arrivals() =>
        Assert.Equal(48, new LoadSettings { Rate = 10 }.EffectiveAccounts);

    [Fact]
    public async Task An_unreachable_shop_is_a_setup_failure_with_exit_code_2()
    {
        var port = FreePort();
        var (exit, _, error) = await RunAsync(["--url", $"http://127.0.0.1:{port}", "--ready-timeout", "1"]);

        Assert.Equal(LoadGenCommand.SetupFailed, exit);
        Assert.Contains($"127.0.0.1:{port}", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Five seconds of warm-up: the first journey of each worker JITs the whole saga (the card vault and the provider
    /// included), which took over three seconds on a busy CI machine (two journeys started, none done by the end of a
    /// 2 s warm-up and a 1 s window), while a warm one takes well under a millisecond. The window is 2 s.
    /// </summary>
    [Fact]
    public async Task In_process_run_completes_orders_and_writes_the_results_as_json()
    {
        var json = Path.Combine(Path.GetTempPath(), $"loadgen-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, output, error) = await RunAsync(["--in-process", "--shoppers", "2", "--duration", "2", "--warmup", "5", "--json", json]);

            Assert.True(exit == 0, $"exit {exit}: {error}\n{output}");
            Assert.Contains("orders completed/s", output, StringComparison.Ordinal);
            var results = JsonReport.Deserialize(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken))!;
            Assert.Equal("in-process", results.Mode);
            Assert.True(results.Orders.CompletedInWindow > 0);
            Assert.Equal(0, results.Orders.CancelledInWindow);
            Assert.InRange(results.WindowSeconds, 0.9, 30);
            Assert.Equal(results.Orders.CompletedInWindow / results.WindowSeconds, results.Orders.CompletedPerSecond, 6);
            Assert.True(results.Saga.Count > 0);
            Assert.NotNull(results.Saga.P95Ms);
            Assert.True(results.Saga.P50Ms <= results.Saga.P95Ms && results.Saga.P95Ms <= results.Saga.P99Ms);
        }
        finally
        {
            File.Delete(json);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, TimeSpan? limit = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit ?? TimeSpan.FromSeconds(60));
        var exit = await LoadGenCommand.RunAsync(args, new InvocationConfiguration { Output = output, Error = error }, timeout.Token);
        return (exit, output.ToString(), error.ToString());
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
