using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShopDapr.ServiceDefaults.Auth;
using ShopDapr.Testing;

namespace ShopDapr.ServiceDefaults.Tests;

/// <summary>APP_API_TOKEN and DAPR_API_TOKEN fail closed: no start outside Development, no open sidecar-only route in it.</summary>
public sealed class AppTokensTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WebApplicationBuilder Builder(string environment, IDictionary<string, string?> settings, CapturingLogs? logs = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ApplicationName = "probe-app" });
        builder.WebHost.UseTestServer();
        foreach (var (key, value) in settings)
            builder.Configuration[key] = value;
        if (logs is not null)
            builder.Logging.AddProvider(logs);
        return builder;
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public void Outside_development_an_app_without_its_tokens_refuses_to_start_naming_them(string environment)
    {
        var builder = Builder(environment, new Dictionary<string, string?>());

        var refused = Assert.Throws<AppTokensMissingException>(() => builder.AddServiceDefaults());

        Assert.Contains("APP_API_TOKEN and DAPR_API_TOKEN", refused.Message);
        Assert.Contains(environment, refused.Message);
    }

    [Fact]
    public void One_missing_token_is_enough_to_refuse_and_is_named_alone()
    {
        var builder = Builder("Production", new Dictionary<string, string?> { ["APP_API_TOKEN"] = "app", ["DAPR_API_TOKEN"] = " " });

        var refused = Assert.Throws<AppTokensMissingException>(() => builder.AddServiceDefaults());

        Assert.Contains("DAPR_API_TOKEN must be set", refused.Message);
        Assert.DoesNotContain("APP_API_TOKEN and", refused.Message);
    }

    [Fact]
    public async Task With_both_tokens_an_app_starts_outside_development_and_only_the_sidecar_reaches_internal_routes()
    {
        await using var app = await StartAsync(Builder("Production", new Dictionary<string, string?> { ["APP_API_TOKEN"] = "app", ["DAPR_API_TOKEN"] = "dapr" }));
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/internal/things", null, Ct)).StatusCode);
        client.DefaultRequestHeaders.Add("dapr-api-token", "app");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/internal/things", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task In_development_without_tokens_the_app_starts_says_so_loudly_and_no_internal_route_answers_anyone()
    {
        var logs = new CapturingLogs();
        await using var app = await StartAsync(Builder("Development", new Dictionary<string, string?>(), logs));
        var client = app.GetTestClient();
        var reachedBefore = Volatile.Read(ref Reached);

        var anonymous = await client.PostAsync("/internal/things", null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        client.DefaultRequestHeaders.Add("dapr-api-token", "anything");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/internal/things", null, Ct)).StatusCode);
        Assert.Equal(reachedBefore, Volatile.Read(ref Reached));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("APP_API_TOKEN and DAPR_API_TOKEN not set"));
    }

    private static int Reached; // how often the route's handler ran, over every test of this class

    private static async Task<WebApplication> StartAsync(WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPost("/internal/things", () =>
        {
            Interlocked.Increment(ref Reached);
            return Results.Ok();
        }).RequireAuthorization(ShopNames.Policies.DaprSidecar);
        await app.StartAsync(Ct);
        return app;
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
