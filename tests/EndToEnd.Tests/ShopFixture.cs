[assembly: AssemblyFixture(typeof(ShopDapr.EndToEnd.Tests.ShopFixture))]

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// The whole shop, once per test run (<see cref="ShopRun"/>: the real service processes under the dev sidecar, started
/// from the repo's own <c>dapr.yaml</c> as the README's run command does, its ports swapped for free ones), driven only
/// through the gateway.
/// A derived fixture may name apps the test owns (<see cref="Owned"/>): the run starts only their sidecars, and the
/// fixture starts the apps itself once their sidecars listen, so a test can <c>kill -9</c> and restart one.
/// </summary>
public class ShopFixture : IAsyncLifetime
{
    private readonly string[] _testOwnedApps;
    private ShopRun? _shop;

    public ShopFixture()
        : this([])
    {
    }

    protected ShopFixture(params string[] testOwnedApps) => _testOwnedApps = testOwnedApps;

    /// <summary>
    /// Every test client runs on this machine. So the gateway trusts loopback as a proxy (X-Forwarded-For) — a test can
    /// act as several clients, each with its own address — and the per-address login and register budgets are lifted
    /// for the crowds that register from one address (the gateway's own tests check those budgets).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Gateway__KnownNetworks__0"] = "127.0.0.0/8",
        ["Gateway__KnownNetworks__1"] = "::1/128",
        ["Gateway__LoginRateLimitPermits"] = "1000000",
        ["Gateway__RegisterRateLimitPermits"] = "1000000",
    };

    /// <summary>What this fixture's run gets: <see cref="Environment"/> unless a derived fixture adds to it.</summary>
    protected virtual IReadOnlyDictionary<string, string> RunEnvironment => Environment;

    /// <summary>Apps run as two replicas, the second started by the test (<see cref="Owned"/> names it by the app id).</summary>
    protected virtual IReadOnlyList<string> SecondReplicas => [];

    /// <summary>Where the run's whole output is written (beside the test dll) when the shop stops.</summary>
    protected virtual string LogFileName => "shop-e2e.log";

    private ShopRun Shop => _shop ?? throw new InvalidOperationException("The shop has not been started.");

    /// <summary>An app the test starts and stops itself (named when the fixture was made).</summary>
    public OwnedApp Owned(string appId) => Shop.Owned(appId);

    public HttpClient Http { get; private set; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string RepoRoot => ShopRun.RepoRoot;

    /// <summary>The run's working directory: relative component paths (the SQLite file, the mail drop) resolve against it.</summary>
    public string WorkDir => Shop.WorkDir;

    /// <summary>Where the mail binding (components/local/mail.yaml, rootPath <c>.data/mail</c>) writes customer e-mail.</summary>
    public string MailDir => Path.Combine(WorkDir, ".data", "mail");

    /// <summary>What the run printed so far (apps and sidecars, prefixed), for failure messages.</summary>
    public string Log => Shop.Log;

    public virtual async ValueTask InitializeAsync()
    {
        _shop = await ShopRun.StartAsync(
            new ShopRunOptions(_testOwnedApps, RunEnvironment, LogFile: Path.Combine(AppContext.BaseDirectory, LogFileName)) { SecondReplicas = SecondReplicas },
            TestContext.Current.CancellationToken);
        Http.BaseAddress = _shop.Gateway;
    }

    /// <summary>Ctrl+C to the run (SIGINT to its process alone, as a terminal whose apps run in sessions of their own); its exit code.</summary>
    public Task<int> InterruptAsync(CancellationToken cancellationToken) => Shop.InterruptAsync(TimeSpan.FromMinutes(1), cancellationToken);

    /// <summary><c>kill -9</c> of the run (every sidecar) and of every app at once; <see cref="RestartAsync"/> brings the shop back.</summary>
    public Task CrashAsync(CancellationToken cancellationToken) => Shop.CrashAsync(cancellationToken);

    /// <summary>Starts the shop again over the same working directory (its SQLite data and mail folder), on new ports.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var previous = Shop;
        previous.DeleteWorkDirOnDispose = false;
        await previous.DisposeAsync();
        _shop = await ShopRun.StartAsync(
            new ShopRunOptions(_testOwnedApps, RunEnvironment, LogFile: Path.Combine(AppContext.BaseDirectory, LogFileName), WorkDir: previous.WorkDir)
            {
                SecondReplicas = SecondReplicas,
            },
            cancellationToken);
        _shop.DeleteWorkDirOnDispose = true;
        Http.Dispose();
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30), BaseAddress = _shop.Gateway };
    }

    public virtual async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_shop is not null)
            await _shop.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
