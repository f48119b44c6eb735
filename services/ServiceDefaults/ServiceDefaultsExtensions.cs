using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ShopDapr.ServiceDefaults.Auth;
using ShopDapr.ServiceDefaults.Configuration;
using ShopDapr.ServiceDefaults.Health;
using ShopDapr.ServiceDefaults.Json;
using ShopDapr.ServiceDefaults.Problems;
using ShopDapr.ServiceDefaults.Telemetry;

namespace ShopDapr.ServiceDefaults;

/// <summary>What every ShopDapr service shares: <c>builder.AddServiceDefaults()</c> and <c>app.MapDefaultEndpoints()</c>.</summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, Action<ServiceDefaultsOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Services.AddValidatedOptions<ServiceDefaultsOptions>(ServiceDefaultsOptions.Section);
        if (configure is not null)
            options.Configure(configure);

        builder.AddShopTelemetry();
        builder.Services.AddShopProblemDetails();
        builder.Services.AddStrictJson();
        builder.Services.AddOpenApi();
        builder.Services.AddDaprClient((sp, dapr) =>
        {
            var configuration = sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
            dapr.UseHttpEndpoint(DaprEndpoints.Http(configuration))
                .UseGrpcEndpoint(DaprEndpoints.Grpc(configuration))
                .UseDaprApiToken(DaprEndpoints.ApiToken(configuration));
        });
        var missingTokens = AppTokens.Require(builder.Configuration, builder.Environment);
        if (missingTokens.Count > 0)
            builder.Services.AddHostedService(sp => new MissingTokensWarning(missingTokens,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MissingTokensWarning>>()));
        builder.Services.AddShopAuthentication(DaprEndpoints.AppApiToken(builder.Configuration));
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag])
            .AddCheck<DaprSidecarHealthCheck>("dapr-sidecar");
        return builder;
    }

    /// <summary>The shared middleware (in order) and endpoints: problems, auth, /healthz, /alive, /openapi/v1.json, /dapr/subscribe.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseMiddleware<JsonCharsetMiddleware>();
        app.UseAuthentication();
        var defaults = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServiceDefaultsOptions>>().Value;
        if (!defaults.PublicEntry && DaprEndpoints.AppApiToken(app.Configuration) is not null)
            app.UseMiddleware<AppApiTokenMiddleware>();
        app.UseAuthorization();
        app.UseCloudEvents();

        app.MapHealthChecks(HealthEndpoints.Ready).AllowAnonymous();
        app.MapHealthChecks(HealthEndpoints.Alive, new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthEndpoints.LiveTag) }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapSubscribeHandler();
        return app;
    }
}
