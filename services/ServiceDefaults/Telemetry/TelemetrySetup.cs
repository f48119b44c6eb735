using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ShopDapr.ServiceDefaults.Telemetry;

/// <summary>Traces, metrics and logs through OpenTelemetry; exported by OTLP only when an endpoint is configured.</summary>
public static class TelemetrySetup
{
    /// <summary>The shop's own sources and meters (<c>ShopDapr.Events</c>, <c>ShopDapr.Ordering</c>, …).</summary>
    public const string ShopSources = "ShopDapr.*";

    /// <summary>The Dapr.Workflow SDK's spans: one per activity run, under the trace that started the workflow.</summary>
    public const string DaprWorkflowSource = "Dapr.Workflow";

    public static IHostApplicationBuilder AddShopTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName))
            .WithMetrics(m => m
                .AddMeter(ShopSources)
                .AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation())
            .WithTracing(t => t
                .AddSource(builder.Environment.ApplicationName, ShopSources, DaprWorkflowSource)
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !IsProbe(c.Request.Path))
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        return builder;
    }

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(HealthEndpoints.Ready) || path.StartsWithSegments(HealthEndpoints.Alive);
}
