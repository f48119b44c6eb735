using System.Collections.Concurrent;
using Dapr.Workflow;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>
/// A real app on Kestrel (free loopback port) that hosts the sample workflows with the official Dapr.Workflow SDK,
/// pointed at a sidecar through DAPR_GRPC_ENDPOINT / DAPR_HTTP_ENDPOINT, as `dapr run` would point it.
/// </summary>
public sealed class WorkflowApp : IAsyncDisposable
{
    private readonly WebApplication _web;

    private WorkflowApp(WebApplication web) => _web = web;

    public DaprWorkflowClient Client => _web.Services.GetRequiredService<DaprWorkflowClient>();

    public static async Task<WorkflowApp> StartAsync(Sidecar sidecar, Probe probe, CancellationToken cancellationToken, string? apiToken = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        if (apiToken is not null)
            builder.Configuration["DAPR_API_TOKEN"] = apiToken;
        builder.Services.AddSingleton(probe);
        builder.Services.AddDaprWorkflow(o =>
        {
            o.RegisterWorkflow<ChainWorkflow>();
            o.RegisterWorkflow<FanOutWorkflow>();
            o.RegisterWorkflow<ParentWorkflow>();
            o.RegisterWorkflow<ApprovalWorkflow>();
            o.RegisterWorkflow<TimerWorkflow>();
            o.RegisterWorkflow<RetryWorkflow>();
            o.RegisterWorkflow<CompensationWorkflow>();
            o.RegisterWorkflow<WaitForGoWorkflow>();
            o.RegisterWorkflow<CountUpWorkflow>();
            o.RegisterWorkflow<StatusWorkflow>();
            o.RegisterWorkflow<FailingWorkflow>();
            o.RegisterWorkflow<GatedChainWorkflow>();
            o.RegisterWorkflow<CrossAppWorkflow>();
            o.RegisterWorkflow<SupervisorWorkflow>();
            o.RegisterWorkflow<WhereWorkflow>();
            o.RegisterWorkflow<TaggedChainWorkflow>();
            o.RegisterWorkflow<TracedWorkflow>();
            o.RegisterWorkflow<TracedChildWorkflow>();
            o.RegisterActivity<TraceActivity>();
            o.RegisterActivity<WhereActivity>();
            o.RegisterActivity<AppendActivity>();
            o.RegisterActivity<SquareActivity>();
            o.RegisterActivity<FlakyActivity>();
            o.RegisterActivity<ReserveActivity>();
            o.RegisterActivity<ChargeActivity>();
            o.RegisterActivity<ReleaseActivity>();
            o.RegisterActivity<GatedActivity>();
        });
        var web = builder.Build();
        await web.StartAsync(cancellationToken);
        return new WorkflowApp(web);
    }

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync(CancellationToken.None);
        await _web.DisposeAsync();
    }
}

/// <summary>What the sample activities record, so a test can see what ran and how often.</summary>
public sealed class Probe(string appName = "app")
{
    public string AppName { get; } = appName;

    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Hit(string key) => _counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public int Count(string key) => _counts.GetValueOrDefault(key);

    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Completed by the gated activity when it starts; the test then stops the app mid-run.</summary>
    public TaskCompletionSource GateReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Until completed, the gated activity blocks (its app can be stopped mid-activity).</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
