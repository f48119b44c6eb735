using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShopDapr.EndToEnd.Tests.Tracing;

/// <summary>A span as exported by an app: its service (resource <c>service.name</c>), scope, ids and name.</summary>
public sealed record ReceivedSpan(string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind);

/// <summary>
/// An OTLP/HTTP receiver in the test process (what an OpenTelemetry Collector would be): the apps export to it with
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and <c>http/protobuf</c>. It keeps the spans of the traces a test watches and the
/// names of the metrics each service exported; logs are accepted and dropped.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReceivedSpan>> _watched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Service, string Metric), byte> _metrics = new();
    private int _requests;

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How many export requests arrived (any signal).</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static OtlpReceiver Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", (HttpRequest r) => receiver.ReceiveAsync(r, receiver.ReadTraces));
        app.MapPost("/v1/metrics", (HttpRequest r) => receiver.ReceiveAsync(r, receiver.ReadMetrics));
        app.MapPost("/v1/logs", (HttpRequest r) => receiver.ReceiveAsync(r, _ => { }));
        app.Start();
        receiver.Endpoint = new Uri(app.Urls.First());
        return receiver;
    }

    /// <summary>Keep the spans of this trace (32 hex digits) from now on.</summary>
    public void Watch(string traceId) => _watched.TryAdd(traceId, new ConcurrentQueue<ReceivedSpan>());

    public IReadOnlyList<ReceivedSpan> SpansOf(string traceId) =>
        _watched.TryGetValue(traceId, out var spans) ? [.. spans] : [];

    public bool HasMetric(string service, string metric) => _metrics.ContainsKey((service, metric));

    private async Task<IResult> ReceiveAsync(HttpRequest request, Action<ReadOnlyMemory<byte>> read)
    {
        Interlocked.Increment(ref _requests);
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        read(body.ToArray());
        // An empty Export*ServiceResponse: full success.
        return Results.Bytes([], "application/x-protobuf");
    }

    // ExportTraceServiceRequest { 1: ResourceSpans[] }; ResourceSpans { 1: Resource, 2: ScopeSpans[] };
    // ScopeSpans { 1: InstrumentationScope { 1: name }, 2: Span[] };
    // Span { 1: trace_id, 2: span_id, 4: parent_span_id, 5: name, 6: kind }.
    private void ReadTraces(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceSpans in Protobuf.Messages(request, 1))
        {
            var service = ServiceOf(resourceSpans);
            foreach (var scopeSpans in Protobuf.Messages(resourceSpans, 2))
            {
                var scope = Protobuf.Messages(scopeSpans, 1).Select(s => Protobuf.Text(s, 1)).FirstOrDefault() ?? "";
                foreach (var span in Protobuf.Messages(scopeSpans, 2))
                {
                    var traceId = Protobuf.Hex(span, 1);
                    if (!_watched.TryGetValue(traceId, out var spans))
                        continue;
                    spans.Enqueue(new ReceivedSpan(service, scope, traceId, Protobuf.Hex(span, 2), Protobuf.Hex(span, 4),
                        Protobuf.Text(span, 5) ?? "", (int)Protobuf.Number(span, 6)));
                }
            }
        }
    }

    // ExportMetricsServiceRequest { 1: ResourceMetrics[] }; ResourceMetrics { 1: Resource, 2: ScopeMetrics[] };
    // ScopeMetrics { 2: Metric[] }; Metric { 1: name }.
    private void ReadMetrics(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceMetrics in Protobuf.Messages(request, 1))
        {
            var service = ServiceOf(resourceMetrics);
            foreach (var metric in Protobuf.Messages(resourceMetrics, 2).SelectMany(scope => Protobuf.Messages(scope, 2)))
                _metrics.TryAdd((service, Protobuf.Text(metric, 1) ?? ""), 0);
        }
    }

    // Resource { 1: KeyValue[] }; KeyValue { 1: key, 2: AnyValue { 1: string_value } }.
    private static string ServiceOf(ReadOnlyMemory<byte> resourceScoped) =>
        Protobuf.Messages(resourceScoped, 1)
            .SelectMany(resource => Protobuf.Messages(resource, 1))
            .Where(kv => Protobuf.Text(kv, 1) == "service.name")
            .SelectMany(kv => Protobuf.Messages(kv, 2))
            .Select(value => Protobuf.Text(value, 1))
            .FirstOrDefault() ?? "";

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>Just enough of the protobuf wire format to read the OTLP fields above: field number → value.</summary>
internal static class Protobuf
{
    private enum Wire { Varint = 0, Fixed64 = 1, Length = 2, Fixed32 = 5 }

    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Field == field && f.Wire == Wire.Length).Select(f => f.Bytes);

    public static string? Text(ReadOnlyMemory<byte> message, int field) =>
        Messages(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b.Span)).LastOrDefault();

    public static string Hex(ReadOnlyMemory<byte> message, int field) =>
        Messages(message, field).Select(b => Convert.ToHexStringLower(b.Span)).LastOrDefault() ?? "";

    public static ulong Number(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Field == field && f.Wire == Wire.Varint).Select(f => f.Number).LastOrDefault();

    private static IEnumerable<(int Field, Wire Wire, ulong Number, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        var at = 0;
        while (at < message.Length)
        {
            var tag = Varint(message.Span, ref at);
            var wire = (Wire)(tag & 7);
            var field = (int)(tag >> 3);
            switch (wire)
            {
                case Wire.Varint:
                    yield return (field, wire, Varint(message.Span, ref at), default);
                    break;
                case Wire.Fixed64:
                    at += 8;
                    break;
                case Wire.Fixed32:
                    at += 4;
                    break;
                case Wire.Length:
                    var length = (int)Varint(message.Span, ref at);
                    yield return (field, wire, 0, message.Slice(at, length));
                    at += length;
                    break;
                default:
                    throw new InvalidDataException($"wire type {(int)wire} at byte {at} is not one OTLP uses");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
    }
}
