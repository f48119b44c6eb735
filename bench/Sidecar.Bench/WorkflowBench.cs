using System.Collections.Concurrent;
using System.Diagnostics;
using Dapr.Workflow;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.Bench;

/// <summary>
/// Workflows completed/s and start→completion latency through the official Dapr.Workflow client and worker:
/// 5 chained activities, 5 parallel activities, and an empty workflow as the in-run baseline (engine cost alone).
/// </summary>
internal static class WorkflowBench
{
    public sealed class Step : WorkflowActivity<int, int>
    {
        public override Task<int> RunAsync(WorkflowActivityContext context, int input) => Task.FromResult(input + 1);
    }

    public sealed class Chain : Workflow<int, int>
    {
        public override async Task<int> RunAsync(WorkflowContext context, int input)
        {
            for (var i = 0; i < 5; i++)
                input = await context.CallActivityAsync<int>(nameof(Step), input);
            return input;
        }
    }

    public sealed class FanOut : Workflow<int, int>
    {
        public override async Task<int> RunAsync(WorkflowContext context, int input)
        {
            var all = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => context.CallActivityAsync<int>(nameof(Step), input + i)));
            return all.Sum();
        }
    }

    public sealed class Empty : Workflow<int, int>
    {
        public override Task<int> RunAsync(WorkflowContext context, int input) => Task.FromResult(input);
    }

    public static async Task<int> RunAsync(int count, string store)
    {
        var db = Path.Combine(Directory.CreateTempSubdirectory("wf-bench-").FullName, "wf.db");
        var component = store == "sqlite"
            ? Harness.Component("statestore", "state.sqlite", ("connectionString", db), ("actorStateStore", "true"))
            : Harness.Component("statestore", "state.in-memory", ("actorStateStore", "true"));
        var resources = Harness.TempResources(("state.yaml", component));
        await using var sidecar = await Sidecar.StartAsync(new SidecarOptions { AppId = "wfbench", ResourcesPaths = [resources] });

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        builder.Services.AddDaprWorkflow(o =>
        {
            o.RegisterWorkflow<Chain>();
            o.RegisterWorkflow<FanOut>();
            o.RegisterWorkflow<Empty>();
            o.RegisterActivity<Step>();
        });
        await using var app = builder.Build();
        await app.StartAsync();
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();

        await RunBatchAsync(client, nameof(Empty), 20, "warm-up"); // first schedules pay for JIT and the worker's connection
        var rows = new List<string>();
        foreach (var name in new[] { nameof(Empty), nameof(Chain), nameof(FanOut) })
        {
            var (perSecond, latencies) = await RunBatchAsync(client, name, count, name);
            rows.Add($"| {name} | {count} | {perSecond:0} | {Harness.Percentile(latencies, 50):0} ms | {Harness.Percentile(latencies, 95):0} ms |");
        }
        Console.WriteLine($"Workflows through Dapr.Workflow 1.19 on the dev sidecar ({store} actor state store), {count} started at once, {Harness.Machine()}");
        Console.WriteLine("| workflow | count | completed/s | p50 start→done | p95 start→done |");
        Console.WriteLine("|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        await app.StopAsync();
        return 0;
    }

    private static async Task<(double PerSecond, List<double> Latencies)> RunBatchAsync(DaprWorkflowClient client, string name, int count, string label)
    {
        var latencies = new ConcurrentBag<double>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var runs = Enumerable.Range(0, count).Select(async i =>
        {
            var started = Stopwatch.GetTimestamp();
            var id = await client.ScheduleNewWorkflowAsync(name, $"{label}-{Guid.NewGuid():N}", i);
            var state = await client.WaitForWorkflowCompletionAsync(id, getInputsAndOutputs: false, deadline.Token);
            if (state.RuntimeStatus != WorkflowRuntimeStatus.Completed)
                throw new InvalidOperationException($"{id} ended {state.RuntimeStatus}");
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var n = Interlocked.Increment(ref done);
            if (n % 50 == 0)
                Console.Error.Write($"\r{label}: {n}/{count}   ");
        }).ToList();
        await Task.WhenAll(runs);
        Console.Error.WriteLine();
        return (count / clock.Elapsed.TotalSeconds, latencies.Order().ToList());
    }
}
