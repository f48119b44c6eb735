using Dapr.Workflow;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>An in-process sidecar plus the sample workflow app wired to it.</summary>
public sealed class WorkflowHarness : IAsyncDisposable
{
    private readonly TempDir _data;

    private WorkflowHarness(TestSidecar dapr, WorkflowApp app, Probe probe, TempDir data)
    {
        _data = data;
        Dapr = dapr;
        App = app;
        Probe = probe;
    }

    public static readonly Dictionary<string, string> ActorStore = new()
    {
        ["state.yaml"] = Yaml.Component("statestore", "state.in-memory", ("actorStateStore", "true")),
    };

    public TestSidecar Dapr { get; }

    public WorkflowApp App { get; }

    public Probe Probe { get; }

    public DaprWorkflowClient Client => App.Client;

    public HttpClient Http { get; } = new();

    /// <summary>The sample app over a sidecar whose actor state store is of kind <paramref name="store"/> (<see cref="State.StateStores"/>).</summary>
    public static async Task<WorkflowHarness> StartAsync(string appId = "orders", string store = State.StateStores.InMemory)
    {
        var ct = TestContext.Current.CancellationToken;
        var data = new TempDir();
        var dapr = await TestSidecar.StartAsync(store == State.StateStores.InMemory ? ActorStore : State.StateStores.ActorStore(store, data), appId);
        var probe = new Probe();
        var app = await WorkflowApp.StartAsync(dapr.Sidecar, probe, ct);
        return new WorkflowHarness(dapr, app, probe, data);
    }

    public Uri Api(string path) => new(Dapr.Sidecar.HttpEndpoint, "v1.0/workflows/dapr/" + path);

    /// <summary>Waits for completion with a deadline, so a hung workflow fails the test instead of hanging it.</summary>
    public async Task<WorkflowState> CompletionAsync(string instanceId, int seconds = 20)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        return await Client.WaitForWorkflowCompletionAsync(instanceId, cancellation: deadline.Token);
    }

    /// <summary>Polls the state until <paramref name="condition"/> holds, with a deadline.</summary>
    public async Task<WorkflowState> UntilAsync(string instanceId, Func<WorkflowState, bool> condition, int seconds = 20)
    {
        var ct = TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            WorkflowState? state = await Client.GetWorkflowStateAsync(instanceId, cancellation: ct);
            if (state is { Exists: true } && condition(state))
                return state;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"workflow {instanceId} stayed {state?.RuntimeStatus.ToString() ?? "absent"}");
            await Task.Delay(25, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        await Dapr.DisposeAsync();
        _data.Dispose();
    }
}
