using System.CommandLine;
using System.CommandLine.Parsing;

namespace ShopDapr.LoadGen.Cli;

/// <summary>
/// <c>shopdapr-load</c>: simulated shoppers against the gateway (closed loop with <c>--shoppers</c>, open loop with
/// <c>--rate</c>), or the saga steps in-process (<c>--in-process</c>). Exit codes: 0 done, 1 bad arguments, 2 the shop
/// could not be set up (unreachable, admin login, seeding), 3 the run completed no order, 130 cancelled.
/// </summary>
public static class LoadGenCommand
{
    public const int BadArguments = 1;
    public const int SetupFailed = 2;
    public const int NothingCompleted = 3;
    public const int Cancelled = 130;

    public static Task<int> RunAsync(string[] args, InvocationConfiguration? configuration, CancellationToken cancellationToken)
    {
        var o = new CommandOptions();
        var root = new RootCommand("shopdapr-load: simulated shoppers browse, search, fill a cart and check out through the ShopDapr gateway")
        {
            o.Url, o.Shoppers, o.Rate, o.Accounts, o.InProcess, o.Duration, o.Warmup, o.PollMs, o.OrderTimeout, o.ReadyTimeout, o.Products, o.Stock,
            o.AdminEmail, o.AdminPassword, o.Json, o.Seed, o.WatchPid, o.MailDir, o.MailWait, o.Samples, o.SampleEvery,
            o.Tastes, o.FraudShare,
            ChartCommand.Create(),
            CapacityCommand.Create(),
        };
        root.SetAction(async (parse, ct) =>
        {
            var settings = o.Read(parse);
            var errors = settings.Validate();
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {error}");
                await parse.InvocationConfiguration.Error.WriteLineAsync("Run with --help for every option.");
                return BadArguments;
            }
            return await LoadRun.ExecuteAsync(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct);
        });
        return root.Parse(args).InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>A fresh set of options per command (an option belongs to one command).</summary>
    private sealed class CommandOptions
    {
        public readonly Option<string> Url = new("--url", "-u") { Description = "The gateway's base URL", DefaultValueFactory = _ => new LoadSettings().UrlText };
        public readonly Option<int?> Shoppers = new("--shoppers", "-c") { Description = $"Closed loop: concurrent shoppers (default {LoadSettings.DefaultShoppers}); --in-process: workers" };
        public readonly Option<double?> Rate = new("--rate", "-r") { Description = "Open loop: shopper journeys (orders) started per second" };
        public readonly Option<int?> Accounts = new("--accounts") { Description = "Open loop: customer accounts arrivals draw from (default 4 × rate + 8)" };
        public readonly Option<bool> InProcess = new("--in-process") { Description = "Run the saga steps' domain logic in this process, no shop (the baseline)" };
        public readonly Option<double> Duration = new("--duration", "-d") { Description = "Seconds measured", DefaultValueFactory = _ => new LoadSettings().DurationSeconds };
        public readonly Option<double> Warmup = new("--warmup", "-w") { Description = "Seconds of load before measuring", DefaultValueFactory = _ => new LoadSettings().WarmupSeconds };
        public readonly Option<int> PollMs = new("--poll-ms") { Description = "Milliseconds between polls of an order's status", DefaultValueFactory = _ => new LoadSettings().PollMilliseconds };
        public readonly Option<double> OrderTimeout = new("--order-timeout") { Description = "Seconds an order may take to finish", DefaultValueFactory = _ => new LoadSettings().OrderTimeoutSeconds };
        public readonly Option<double> ReadyTimeout = new("--ready-timeout") { Description = "Seconds to wait for the shop to serve products", DefaultValueFactory = _ => new LoadSettings().ReadyTimeoutSeconds };
        public readonly Option<int> Products = new("--products") { Description = "Cheap products to seed with stock and buy (with --tastes: per category)", DefaultValueFactory = _ => new LoadSettings().Products };
        public readonly Option<int> Stock = new("--stock") { Description = "Units on hand set for each product", DefaultValueFactory = _ => new LoadSettings().Stock };
        public readonly Option<string> AdminEmail = new("--admin-email") { Description = "The admin who sets stock (components/local/secrets.json)", DefaultValueFactory = _ => new LoadSettings().AdminEmail };
        public readonly Option<string> AdminPassword = new("--admin-password") { Description = "The admin's password (development only)", DefaultValueFactory = _ => new LoadSettings().AdminPassword };
        public readonly Option<string?> Json = new("--json") { Description = "Also write the results as JSON to this file ('-' for standard output)" };
        public readonly Option<int?> WatchPid = new("--watch-pid") { Description = "Report the CPU this process and its children use in the measured window (Linux; e.g. the dev sidecar's run)" };
        public readonly Option<string?> MailDir = new("--mail-dir") { Description = "The shop's mail folder (its .data/mail): measure each completed order's lag to its e-mails and wait for them at the end" };
        public readonly Option<double> MailWait = new("--mail-wait") { Description = "Seconds to wait after the load for every completed order's e-mails", DefaultValueFactory = _ => new LoadSettings().MailWaitSeconds };
        public readonly Option<string?> Samples = new("--samples") { Description = "Write one CSV row per --sample-every seconds of the measured window (orders/s, p95, e-mail lag; RSS and CPU % per process with --watch-pid)" };
        public readonly Option<double> SampleEvery = new("--sample-every") { Description = "Seconds per --samples row", DefaultValueFactory = _ => new LoadSettings().SampleEverySeconds };
        public readonly Option<bool> Tastes = new("--tastes")
        {
            Description = "Give each shopper hidden tastes (seeded): 1-2 favourite categories and a price band it views, searches and buys within "
                + "80 % of the time, and a home market; --products then counts products per category (priced up to 100). Off by default: it changes the journeys the saga benchmark measures",
        };
        public readonly Option<double> FraudShare = new("--fraud-share")
        {
            Description = "With --tastes: the share of shoppers that are fraudsters (declined cards first, several cards, a new country each order, large totals); "
                + "as the admin, the run rejects their held orders and approves the others, so the fraud model gets labels (e.g. 0.03)",
            DefaultValueFactory = _ => new LoadSettings().FraudShare,
        };
        public readonly Option<int> Seed = new("--seed") { Description = "Seed of the shoppers' random choices", DefaultValueFactory = _ => new LoadSettings().Seed };

        public LoadSettings Read(ParseResult parse) => new()
        {
            UrlText = parse.GetValue(Url) ?? "",
            Shoppers = parse.GetValue(Shoppers),
            Rate = parse.GetValue(Rate),
            Accounts = parse.GetValue(Accounts),
            InProcess = parse.GetValue(InProcess),
            DurationSeconds = parse.GetValue(Duration),
            WarmupSeconds = parse.GetValue(Warmup),
            PollMilliseconds = parse.GetValue(PollMs),
            OrderTimeoutSeconds = parse.GetValue(OrderTimeout),
            ReadyTimeoutSeconds = parse.GetValue(ReadyTimeout),
            Products = parse.GetValue(Products),
            Stock = parse.GetValue(Stock),
            AdminEmail = parse.GetValue(AdminEmail)!,
            AdminPassword = parse.GetValue(AdminPassword)!,
            JsonPath = parse.GetValue(Json),
            Seed = parse.GetValue(Seed),
            WatchPid = parse.GetValue(WatchPid),
            MailDir = parse.GetValue(MailDir),
            MailWaitSeconds = parse.GetValue(MailWait),
            SamplesPath = parse.GetValue(Samples),
            SampleEverySeconds = parse.GetValue(SampleEvery),
            Tastes = parse.GetValue(Tastes),
            FraudShare = parse.GetValue(FraudShare),
        };
    }
}
