using ShopDapr.LoadGen.InProcess;
using ShopDapr.LoadGen.Load;
using ShopDapr.LoadGen.Mail;
using ShopDapr.LoadGen.Output;
using ShopDapr.LoadGen.Sampling;
using ShopDapr.LoadGen.Shop;
using ShopDapr.LoadGen.Stats;
using ShopDapr.LoadGen.Tastes;
using Spectre.Console;

namespace ShopDapr.LoadGen.Cli;

/// <summary>One validated run: set the shop up, offer the load with a live display, then the closing table (and JSON).</summary>
internal static class LoadRun
{
    public static async Task<int> ExecuteAsync(LoadSettings settings, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var console = CreateConsole(output);
        var time = TimeProvider.System;
        var tracker = settings.MailDir is null ? null : new MailLagTracker();
        var metrics = new LoadMetrics(time) { Mail = tracker };
        using var mailFolder = settings.MailDir is { } dir && tracker is not null ? new MailFolder(dir, tracker) : null;
        var machine = new MachineInfo(time.GetUtcNow(), Environment.ProcessorCount, MachineInfo.LoadAverage(), null);
        var cpu = settings.WatchPid is { } pid ? new ProcessCpuSampler(pid) : null;
        if (cpu is not null)
        {
            metrics.WindowOpened += cpu.WindowOpened;
            metrics.WindowClosed += cpu.WindowClosed;
        }
        await using var samplesFile = settings.SamplesPath is { } samplesPath ? new StreamWriter(samplesPath) : null;
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampling = samplesFile is null ? Task.CompletedTask
            : new WindowSampler(metrics, settings.WatchPid, settings.SampleEvery, samplesFile, time).Attach().RunAsync(stopSampling.Token);
        try
        {
            LoadOutcome outcome;
            if (settings.Mode == LoadMode.InProcess)
            {
                var runner = new InProcessRunner(metrics, time);
                await LiveProgress.ShowAsync(console, metrics, time, async () =>
                {
                    await runner.RunAsync(settings.EffectiveShoppers, settings.Products, settings.Stock, settings.Warmup, settings.Duration, settings.Seed, ct);
                    return true;
                });
                outcome = new LoadOutcome(0, 0, true);
            }
            else
            {
                using var http = CreateHttpClient(settings.Url);
                var api = new ShopApi(http);
                IReadOnlyList<Product> products;
                IReadOnlyList<Shopper> shoppers;
                TasteRun? tastes = null;
                try
                {
                    var seeder = new Seeder(api, output);
                    await seeder.WaitForShopAsync(settings.ReadyTimeout, ct);
                    if (settings.Tastes)
                    {
                        tastes = await seeder.SeedAssortmentAsync(settings.AdminEmail, settings.AdminPassword, settings.Products, settings.Stock, large: settings.FraudShare > 0, ct);
                        products = tastes.Assortment.Products;
                    }
                    else
                        products = await seeder.SeedProductsAsync(settings.AdminEmail, settings.AdminPassword, settings.Products, settings.Stock, ct);
                    shoppers = await seeder.RegisterShoppersAsync(settings.Mode == LoadMode.ClosedLoop ? settings.EffectiveShoppers : settings.EffectiveAccounts, ct);
                    if (tastes is not null)
                    {
                        shoppers = Seeder.WithTastes(shoppers, tastes.Assortment, settings.FraudShare, settings.Seed);
                        output.WriteLine($"tastes: {shoppers.Count(s => s.Taste is { Fraudster: true })} of {shoppers.Count} shoppers are fraudsters");
                    }
                }
                catch (StepFailedException e)
                {
                    await error.WriteLineAsync($"error: setting the shop up at {settings.Url} failed: {e.Message}");
                    return LoadGenCommand.SetupFailed;
                }
                var journey = new ShopperJourney(api, metrics, products, new JourneyOptions(settings.PollInterval, settings.OrderTimeout), time, tastes);
                var runner = new LoadRunner(new ShopperLoop(journey, api, error), metrics, time);
                var drainLimit = settings.OrderTimeout + TimeSpan.FromSeconds(10);
                outcome = await LiveProgress.ShowAsync(console, metrics, time, () => settings.Mode == LoadMode.ClosedLoop
                    ? runner.RunClosedAsync(shoppers, settings.Warmup, settings.Duration, drainLimit, settings.Seed, ct)
                    : runner.RunOpenAsync(shoppers, settings.Rate!.Value, settings.Warmup, settings.Duration, drainLimit, settings.Seed, ct));
            }
            var loadStopped = time.GetUtcNow();
            await StopAsync(sampling, stopSampling, TimeSpan.FromSeconds(5));
            var mail = mailFolder is null || tracker is null ? null
                : await MailResults.AwaitAsync(mailFolder, tracker, loadStopped, settings.MailWait, console, time, ct);
            var results = RunResults.From(settings, metrics, outcome.LateArrivals, outcome.ArrivalsWithoutShopper, outcome.Drained,
                machine with { LoadAverageAfter = MachineInfo.LoadAverage() }, cpu?.Report(metrics.CompletedInWindow), mail);
            ResultsTable.Write(console, results);
            if (settings.JsonPath is { } path)
                await JsonReport.WriteAsync(path, results, output, ct);
            return results.Orders.CompletedInWindow > 0 ? 0 : LoadGenCommand.NothingCompleted;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled");
            return LoadGenCommand.Cancelled;
        }
        finally
        {
            await StopAsync(sampling, stopSampling, TimeSpan.Zero);
        }
    }

    /// <summary>The sampler ends by itself (writing its last row) once the window closed; one that never saw a window is stopped.</summary>
    private static async Task StopAsync(Task sampling, CancellationTokenSource stop, TimeSpan grace)
    {
        if (grace > TimeSpan.Zero)
            await Task.WhenAny(sampling, Task.Delay(grace));
        await stop.CancelAsync();
        try
        {
            await sampling;
        }
        catch (OperationCanceledException)
        {
            // never opened a window: nothing to write
        }
    }

    private static HttpClient CreateHttpClient(Uri gateway) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        BaseAddress = gateway,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A live table only on a real terminal; plain lines when the output is redirected or captured.</summary>
    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal)
            console.Profile.Width = 160; // a log file has no width; keep each table row on one line
        return console;
    }
}
