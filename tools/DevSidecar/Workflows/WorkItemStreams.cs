using Dapr.DurableTask.Protobuf;
using Grpc.Core;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// Serves GetWorkItems: each connected worker, on any replica of the app, pulls tickets from the app's shared queue. Work a stream was handed but
/// did not complete goes back to the queue when the stream ends (the app died or reconnected).
/// </summary>
internal sealed partial class WorkItemStreams(WorkflowReplica replica, IHostApplicationLifetime lifetime, ILogger<WorkItemStreams> log)
{
    public async Task ServeAsync(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> stream, ServerCallContext call)
    {
        var id = Guid.NewGuid();
        var engine = replica.Engine;
        var queue = engine.Queue;
        // The stream ends when the worker leaves or the sidecar stops (the worker then reconnects, as to daprd).
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, lifetime.ApplicationStopping);
        Log.Connected(log, id);
        queue.StreamOpened();
        try
        {
            while (!ended.IsCancellationRequested)
            {
                var ticket = await queue.NextAsync(ended.Token);
                WorkItem? item;
                try
                {
                    item = await engine.CheckoutAsync(ticket, id, CancellationToken.None);
                }
                catch (Exception)
                {
                    queue.Enqueue(ticket);
                    throw;
                }
                if (item is not null)
                    await stream.WriteAsync(item, ended.Token);
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The worker disconnected or the sidecar stops; unfinished work is handed back below.
        }
        catch (InvalidOperationException) when (ended.IsCancellationRequested)
        {
            // Writing to a stream that was just cancelled.
        }
        finally
        {
            queue.StreamClosed();
            await engine.StreamClosedAsync(id);
            Log.Disconnected(log, id);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Information, "Workflow worker stream {Stream} connected")]
        public static partial void Connected(ILogger logger, Guid stream);

        [LoggerMessage(LogLevel.Information, "Workflow worker stream {Stream} disconnected")]
        public static partial void Disconnected(ILogger logger, Guid stream);
    }
}
