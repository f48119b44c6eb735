using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;
using ShopDapr.Testing;

namespace ShopDapr.Payment.Tests;

/// <summary>Payment in-process over <see cref="TransactionalDapr"/>, with every log line captured (to prove no card number is logged).</summary>
public sealed class PaymentFactory : ShopAppFactory<Program>
{
    public PaymentFactory()
    {
        // The payment rules under test here; the vault under the keys app's key: CardVaultThroughKeysTests.
        Settings["Payment:CardCipher"] = nameof(CardCipher.DataProtection);
        ConfigureServices = services =>
        {
            services.AddSingleton(State.Client);
            services.AddSingleton<ILoggerProvider>(Logs);
        };
    }

    public TransactionalDapr State { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public SimulatedCardProvider Provider => (SimulatedCardProvider)Services.GetRequiredService<ICardProvider>();

    private HttpClient? _sidecar;

    /// <summary>One client for calls as the sidecar makes them; created before any parallel use (starting the server is not thread-safe).</summary>
    public HttpClient Sidecar() => _sidecar ??= CreateClient();

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _tokens = new();

    /// <summary>The vault token of a test card number, vaulted once per factory (as cart vaults it at checkout).</summary>
    public Task<string> TokenOfAsync(string card = SimulatedCardProvider.Approves) =>
        _tokens.GetOrAdd(card, number => new Lazy<Task<string>>(async () =>
            (await Services.GetRequiredService<CardVault>().VaultAsync(new CardDetails(number, "12/39", "123"), CancellationToken.None)).Token)).Value;

    public static object Charge(Guid orderId, string cardToken, decimal amount = 42.50m, string currency = "EUR") =>
        new { orderId, amount, currency, cardToken };

    /// <summary>Charges <paramref name="card"/> (a test card number) by its vault token.</summary>
    public async Task<HttpResponseMessage> ChargeAsync(Guid orderId, string card = SimulatedCardProvider.Approves, decimal amount = 42.50m, CancellationToken cancellationToken = default) =>
        await Sidecar().PostAsJsonAsync("/internal/payments", Charge(orderId, await TokenOfAsync(card), amount), cancellationToken);
}

public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Lines.Enqueue(formatter(state, exception) + " " + exception);
    }
}
