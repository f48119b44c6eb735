using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ShopDapr.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs through OpenTelemetry, exported by OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (protocol, headers, batch delay and export interval from the standard <c>OTEL_*</c> variables). A signal whose
/// <c>OTEL_TRACES_EXPORTER</c> / <c>OTEL_METRICS_EXPORTER</c> / <c>OTEL_LOGS_EXPORTER</c> is <c>none</c> is not exported.
/// The service is named by its Dapr app id (<c>APP_ID</c>, set by <c>dapr run</c> and the injector's pods), as the
/// sidecars name theirs. A trace the caller or the sidecar sampled is always recorded; a trace that starts here is
/// sampled at <c>Telemetry:SamplingRatio</c> (default 1).
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The shop's own sources and meters (<c>ShopDapr.Events</c>, <c>ShopDapr.Ordering</c>, …).</summary>
    public const string ShopSources = "ShopDapr.*";

    /// <summary>The Dapr.Workflow SDK's spans: one per activity run, under the trace that started the workflow.</summary>
    public const string DaprWorkflowSource = "Dapr.Workflow";

    public static IHostApplicationBuilder AddShopTelemetry(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var exporting = !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        bool Exports(string signal) => exporting && !string.Equals(config[$"OTEL_{signal}_EXPORTER"], "none", StringComparison.OrdinalIgnoreCase);
        var ratio = Math.Clamp(config.GetValue("Telemetry:SamplingRatio", 1.0), 0.0, 1.0);

        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
            if (Exports("LOGS"))
                o.AddOtlpExporter();
        });
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName(builder)))
            .WithMetrics(m =>
            {
                m.AddMeter(ShopSources)
                    .AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                if (Exports("METRICS"))
                    m.AddOtlpExporter();
            })
            .WithTracing(t =>
            {
                t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)))
                    .AddSource(builder.Environment.ApplicationName, ShopSources, DaprWorkflowSource)
                    .AddAspNetCoreInstrumentation(o => o.Filter = c => !IsProbe(c.Request.Path))
                    .AddHttpClientInstrumentation();
                if (Exports("TRACES"))
                    t.AddOtlpExporter();
            });
        return builder;
    }

    private static string ServiceName(IHostApplicationBuilder builder) =>
        builder.Configuration["APP_ID"] is { Length: > 0 } appId ? appId : builder.Environment.ApplicationName;

    private static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(HealthEndpoints.Ready) || path.StartsWithSegments(HealthEndpoints.Alive);
}
