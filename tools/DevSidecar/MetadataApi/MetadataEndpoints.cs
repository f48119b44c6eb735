using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.Hosting;
using Empty = Google.Protobuf.WellKnownTypes.Empty;

namespace ShopDapr.DevSidecar.MetadataApi;

/// <summary>
/// The metadata and shutdown APIs: GET /v1.0/metadata, PUT /v1.0/metadata/{key} (body = value, 204),
/// POST /v1.0/shutdown (204), and gRPC GetMetadata, SetMetadata, Shutdown.
/// </summary>
internal static partial class MetadataEndpoints
{
    public static IServiceCollection AddMetadata(this IServiceCollection services) =>
        services
            .AddSingleton<ExtendedMetadata>()
            .AddSingleton<MetadataReader>()
            .AddSingleton<IDaprGrpcApi, MetadataGrpcApi>();

    public static void MapMetadata(this WebApplication app)
    {
        var v1 = app.MapGroup("/v1.0");
        v1.MapGet("/metadata", (MetadataReader reader) => Results.Json(MetadataJson.From(reader.Read())));
        v1.MapPut("/metadata/{key}", async (string key, HttpRequest request, ExtendedMetadata extended, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            extended.Set(key, await reader.ReadToEndAsync(ct));
            return Results.NoContent();
        });
        v1.MapPost("/shutdown", (SidecarContext sidecar, ILoggerFactory logs) =>
        {
            RequestShutdown(sidecar, logs);
            return Results.NoContent();
        });
    }

    /// <summary>As daprd: answer first, then stop gracefully (the sidecar reacts to <see cref="SidecarContext.ShutdownRequested"/>).</summary>
    internal static void RequestShutdown(SidecarContext sidecar, ILoggerFactory logs)
    {
        LogShutdown(logs.CreateLogger(typeof(MetadataEndpoints).FullName!), sidecar.AppId);
        sidecar.RequestShutdown();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutdown of the sidecar for {AppId} requested via API")]
    private static partial void LogShutdown(ILogger logger, string appId);

    private sealed class MetadataGrpcApi(MetadataReader reader, ExtendedMetadata extended, SidecarContext sidecar, ILoggerFactory logs) : IDaprGrpcApi
    {
        public void Bind(GrpcMethodTable<DaprGrpcService> methods)
        {
            methods.Unary<GetMetadataRequest, GetMetadataResponse>("GetMetadata", (_, _) => Task.FromResult(reader.Read()));
            methods.Unary<SetMetadataRequest, Empty>("SetMetadata", (request, _) =>
            {
                extended.Set(request.Key, request.Value);
                return Task.FromResult(new Empty());
            });
            methods.Unary<ShutdownRequest, Empty>("Shutdown", (_, _) =>
            {
                RequestShutdown(sidecar, logs);
                return Task.FromResult(new Empty());
            });
        }
    }
}
