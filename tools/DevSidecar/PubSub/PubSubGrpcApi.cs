using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using ShopDapr.DevSidecar.Grpc;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>The pub/sub half of the Dapr gRPC API: PublishEvent, BulkPublishEvent and its Alpha1 name (the SDK falls back to it).</summary>
internal sealed class PubSubGrpcApi(Publisher publisher) : IDaprGrpcApi
{
    public void Bind(GrpcMethodTable<DaprGrpcService> methods)
    {
        methods.Unary<PublishEventRequest, Google.Protobuf.WellKnownTypes.Empty>("PublishEvent", PublishEvent);
        methods.Unary<BulkPublishRequest, BulkPublishResponse>("BulkPublishEvent", BulkPublishEvent);
        methods.Unary<BulkPublishRequest, BulkPublishResponse>("BulkPublishEventAlpha1", BulkPublishEvent);
    }

    private async Task<Google.Protobuf.WellKnownTypes.Empty> PublishEvent(PublishEventRequest request, ServerCallContext call)
    {
        var entry = new PublishEntry("", request.Data.Memory, request.DataContentType, request.Metadata);
        try
        {
            await publisher.PublishAsync(request.PubsubName, request.Topic, entry,
                Header(call, "traceparent"), Header(call, "tracestate"), addTraceToRawMetadata: true, call.CancellationToken);
        }
        catch (PubSubError e)
        {
            throw e.ToRpc();
        }
        return new Google.Protobuf.WellKnownTypes.Empty();
    }

    private async Task<BulkPublishResponse> BulkPublishEvent(BulkPublishRequest request, ServerCallContext call)
    {
        var entries = request.Entries.Select(e => new PublishEntry(e.EntryId, e.Event.Memory, e.ContentType, e.Metadata)).ToList();
        try
        {
            var failed = await publisher.BulkPublishAsync(request.PubsubName, request.Topic, entries, request.Metadata,
                Header(call, "traceparent"), Header(call, "tracestate"), call.CancellationToken);
            if (failed.Count > 0)
            {
                throw PubSubError.PublishMessage(request.PubsubName, request.Topic,
                    new InvalidOperationException(string.Join("; ", failed.Select(f => $"{f.EntryId}: {f.Error}"))));
            }
        }
        catch (PubSubError e)
        {
            throw e.ToRpc();
        }
        return new BulkPublishResponse();
    }

    private static string? Header(ServerCallContext call, string name) => call.RequestHeaders.GetValue(name);
}
