using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShopDapr.Payment.Domain;
using ShopDapr.Testing;

namespace ShopDapr.Payment.Tests;

/// <summary>Payment in-process over <see cref="TransactionalDapr"/>, with every log line captured (to prove no card number is logged).</summary>
public sealed class PaymentFactory : ShopAppFactory<Program>
{
    public PaymentFactory()
    {
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

    public static object Charge(Guid orderId, string card = SimulatedCardProvider.Approves, decimal amount = 42.50m, string currency = "EUR") =>
        new { orderId, amount, currency, card = new { number = card, expiry = "12/39", cvc = "123" } };

    public Task<HttpResponseMessage> ChargeAsync(Guid orderId, string card = SimulatedCardProvider.Approves, decimal amount = 42.50m, CancellationToken cancellationToken = default) =>
        Sidecar().PostAsJsonAsync("/internal/payments", Charge(orderId, card, amount), cancellationToken);
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
