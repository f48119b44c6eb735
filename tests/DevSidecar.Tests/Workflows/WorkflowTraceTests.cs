using System.Diagnostics;
using Dapr.Workflow;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>
/// A workflow continues the trace of whoever started it, as under daprd: the SDK's client sends the caller's context,
/// the sidecar keeps it with the instance and hands each activity (and a child workflow's activities) a span of that
/// trace, so what an activity calls is part of the same trace.
/// </summary>
public sealed class WorkflowTraceTests
{
    [Fact]
    public async Task Every_activity_and_a_child_workflows_activity_run_in_the_starters_trace_each_under_its_own_span()
    {
        await using var h = await WorkflowHarness.StartAsync();
        using var caller = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(TracedWorkflow), "traced-1", "x");
        caller.Stop();
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        var traces = h.Probe.Log.Where(l => l.StartsWith("trace:", StringComparison.Ordinal)).Select(l => l.Split(':')).ToList();
        Assert.Equal(3, traces.Count);
        Assert.All(traces, t => Assert.Equal(caller.TraceId.ToHexString(), t[1]));
        var parents = traces.Select(t => t[2]).ToList();
        Assert.DoesNotContain(caller.SpanId.ToHexString(), parents);
        Assert.DoesNotContain(new string('0', 16), parents);
        Assert.Equal(3, parents.Distinct().Count());
    }

    [Fact]
    public async Task A_workflow_started_outside_any_trace_runs_its_activities_without_one()
    {
        await using var h = await WorkflowHarness.StartAsync();
        Activity.Current = null;

        var id = await h.Client.ScheduleNewWorkflowAsync(nameof(TracedWorkflow), "untraced-1", "x");
        var state = await h.CompletionAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        var traces = h.Probe.Log.Where(l => l.StartsWith("trace:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, traces.Count);
        Assert.All(traces, t => Assert.Equal("trace::", t));
    }
}
