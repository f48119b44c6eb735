using System.Globalization;

namespace ShopDapr.LoadGen.Cli;

public enum LoadMode
{
    /// <summary>N shoppers, each starting its next journey when the last one ends: the shop's maximum rate.</summary>
    ClosedLoop,

    /// <summary>Journeys arrive at a fixed rate whatever the shop's pace: the latency at that rate.</summary>
    OpenLoop,

    /// <summary>The saga steps' domain logic called in this process, no Dapr: the baseline.</summary>
    InProcess,
}

/// <summary>What one run does, as the command line set it; <see cref="Validate"/> names every bad value.</summary>
public sealed record LoadSettings
{
    public const int DefaultShoppers = 16;

    public string UrlText { get; init; } = "http://localhost:5000";

    /// <summary>The gateway; valid once <see cref="Validate"/> found no error.</summary>
    public Uri Url => new(UrlText, UriKind.Absolute);
    public int? Shoppers { get; init; }
    public double? Rate { get; init; }
    public int? Accounts { get; init; }
    public bool InProcess { get; init; }
    public double DurationSeconds { get; init; } = 30;
    public double WarmupSeconds { get; init; } = 5;
    public int PollMilliseconds { get; init; } = 100;
    public double OrderTimeoutSeconds { get; init; } = 60;
    public double ReadyTimeoutSeconds { get; init; } = 60;
    public int Products { get; init; } = 20;
    public int Stock { get; init; } = 1_000_000;
    public string AdminEmail { get; init; } = "admin@shopdapr.local";
    public string AdminPassword { get; init; } = "Dev-Admin-Passw0rd!";
    public string? JsonPath { get; init; }
    public int Seed { get; init; } = 1;
    public int? WatchPid { get; init; }

    /// <summary>The folder the shop's mail binding writes e-mail files to: measure the lag from completion to e-mail.</summary>
    public string? MailDir { get; init; }

    /// <summary>Seconds to wait, after the load stopped, for every completed order's e-mails.</summary>
    public double MailWaitSeconds { get; init; } = 30;

    /// <summary>A CSV file to write one row of figures to per sampling interval of the measured window.</summary>
    public string? SamplesPath { get; init; }

    public double SampleEverySeconds { get; init; } = 30;

    /// <summary>Shoppers with hidden tastes (favourite categories, a price band), so the shop's own data has signal to learn.</summary>
    public bool Tastes { get; init; }

    /// <summary>With <see cref="Tastes"/>: the share of shoppers that follow fraud patterns (an admin rejects their held orders).</summary>
    public double FraudShare { get; init; }

    public LoadMode Mode => InProcess ? LoadMode.InProcess : Rate is null ? LoadMode.ClosedLoop : LoadMode.OpenLoop;

    /// <summary>Concurrent shoppers (closed loop, in-process workers).</summary>
    public int EffectiveShoppers => Shoppers ?? DefaultShoppers;

    /// <summary>Open loop: customers to draw arrivals from (each has one cart, so one journey at a time).</summary>
    public int EffectiveAccounts => Accounts ?? (int)Math.Ceiling((Rate ?? 0) * 4) + 8;

    public TimeSpan Duration => TimeSpan.FromSeconds(DurationSeconds);
    public TimeSpan Warmup => TimeSpan.FromSeconds(WarmupSeconds);
    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollMilliseconds);
    public TimeSpan OrderTimeout => TimeSpan.FromSeconds(OrderTimeoutSeconds);
    public TimeSpan ReadyTimeout => TimeSpan.FromSeconds(ReadyTimeoutSeconds);
    public TimeSpan MailWait => TimeSpan.FromSeconds(MailWaitSeconds);
    public TimeSpan SampleEvery => TimeSpan.FromSeconds(SampleEverySeconds);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Shoppers is not null && Rate is not null)
            errors.Add("--shoppers (closed loop) and --rate (open loop) exclude each other: choose one.");
        if (Shoppers is < 1 or > 10_000)
            errors.Add($"--shoppers must be 1 to 10000 (got {Shoppers}).");
        if (Rate is { } rate && (double.IsNaN(rate) || rate <= 0 || rate > 10_000))
            errors.Add($"--rate must be more than 0 and at most 10000 orders/s (got {Format(rate)}).");
        if (Accounts is < 1 or > 10_000)
            errors.Add($"--accounts must be 1 to 10000 (got {Accounts}).");
        if (Accounts is not null && Rate is null)
            errors.Add("--accounts applies to the open loop only (with --rate).");
        if (InProcess && Rate is not null)
            errors.Add("--in-process measures the maximum rate of the saga steps; --rate does not apply.");
        if (!double.IsFinite(DurationSeconds) || DurationSeconds <= 0 || DurationSeconds > 86_400)
            errors.Add($"--duration must be more than 0 and at most 86400 seconds (got {Format(DurationSeconds)}).");
        if (!double.IsFinite(WarmupSeconds) || WarmupSeconds < 0 || WarmupSeconds > 3_600)
            errors.Add($"--warmup must be 0 to 3600 seconds (got {Format(WarmupSeconds)}).");
        if (PollMilliseconds is < 10 or > 10_000)
            errors.Add($"--poll-ms must be 10 to 10000 (got {PollMilliseconds}).");
        if (!double.IsFinite(OrderTimeoutSeconds) || OrderTimeoutSeconds <= 0 || OrderTimeoutSeconds > 3_600)
            errors.Add($"--order-timeout must be more than 0 and at most 3600 seconds (got {Format(OrderTimeoutSeconds)}).");
        if (!double.IsFinite(ReadyTimeoutSeconds) || ReadyTimeoutSeconds <= 0 || ReadyTimeoutSeconds > 3_600)
            errors.Add($"--ready-timeout must be more than 0 and at most 3600 seconds (got {Format(ReadyTimeoutSeconds)}).");
        if (WatchPid is < 1)
            errors.Add($"--watch-pid must be a process id (got {WatchPid}).");
        if (InProcess && MailDir is not null)
            errors.Add("--mail-dir measures the shop's e-mails; --in-process runs no shop.");
        if (!double.IsFinite(MailWaitSeconds) || MailWaitSeconds < 0 || MailWaitSeconds > 3_600)
            errors.Add($"--mail-wait must be 0 to 3600 seconds (got {Format(MailWaitSeconds)}).");
        if (!double.IsFinite(SampleEverySeconds) || SampleEverySeconds < 1 || SampleEverySeconds > 3_600)
            errors.Add($"--sample-every must be 1 to 3600 seconds (got {Format(SampleEverySeconds)}).");
        if (!double.IsFinite(FraudShare) || FraudShare is < 0 or > 0.5)
            errors.Add($"--fraud-share must be 0 to 0.5 (got {Format(FraudShare)}).");
        if (FraudShare > 0 && !Tastes)
            errors.Add("--fraud-share needs --tastes (fraudsters are one of the shoppers' hidden tastes).");
        if (Tastes && InProcess)
            errors.Add("--tastes shapes what shoppers do in the shop; --in-process runs no shop.");
        if (Products is < 1 or > 100)
            errors.Add($"--products must be 1 to 100 (got {Products}).");
        if (Stock < 1)
            errors.Add($"--stock must be at least 1 (got {Stock}).");
        if (!Uri.TryCreate(UrlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            errors.Add($"--url must be an absolute http(s) URL of the gateway (got '{UrlText}').");
        return errors;
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
