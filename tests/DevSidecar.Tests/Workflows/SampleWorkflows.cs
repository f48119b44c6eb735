using Dapr.Workflow;

namespace ShopDapr.DevSidecar.Tests.Workflows;

public sealed class AppendActivity(Probe probe) : WorkflowActivity<string[], string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string[] parts)
    {
        probe.Hit($"append:{parts[1]}");
        return Task.FromResult(parts[0].Length == 0 ? parts[1] : $"{parts[0]}-{parts[1]}");
    }
}

/// <summary>Three activities in a row; each sees the previous one's result.</summary>
public sealed class ChainWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string start)
    {
        var s = await context.CallActivityAsync<string>(nameof(AppendActivity), new[] { start, "a" });
        s = await context.CallActivityAsync<string>(nameof(AppendActivity), new[] { s, "b" });
        return await context.CallActivityAsync<string>(nameof(AppendActivity), new[] { s, "c" });
    }
}

public sealed class SquareActivity : WorkflowActivity<int, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, int n) => Task.FromResult(n * n);
}

/// <summary>Squares 1..n in parallel and sums them.</summary>
public sealed class FanOutWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int n)
    {
        var squares = Enumerable.Range(1, n).Select(i => context.CallActivityAsync<int>(nameof(SquareActivity), i));
        return (await Task.WhenAll(squares)).Sum();
    }
}

public sealed class ParentWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var child = await context.CallChildWorkflowAsync<string>(nameof(ChainWorkflow), input,
            new ChildWorkflowTaskOptions(InstanceId: context.InstanceId + "-child"));
        return "child said " + child;
    }
}

/// <summary>Waits for "approval" for the given number of seconds.</summary>
public sealed class ApprovalWorkflow : Workflow<double, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, double timeoutSeconds)
    {
        try
        {
            var approved = await context.WaitForExternalEventAsync<bool>("approval", TimeSpan.FromSeconds(timeoutSeconds));
            return approved ? "approved" : "rejected";
        }
        catch (TaskCanceledException)
        {
            return "timed out";
        }
    }
}

/// <summary>Sleeps on a durable timer and reports the workflow clock before and after.</summary>
public sealed class TimerWorkflow : Workflow<int, double>
{
    public override async Task<double> RunAsync(WorkflowContext context, int milliseconds)
    {
        var before = context.CurrentUtcDateTime;
        await context.CreateTimer(TimeSpan.FromMilliseconds(milliseconds));
        return (context.CurrentUtcDateTime - before).TotalMilliseconds;
    }
}

/// <summary>Fails on the first two attempts of each workflow instance.</summary>
public sealed class FlakyActivity(Probe probe) : WorkflowActivity<string, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, string key)
    {
        var attempt = probe.Hit("flaky:" + key);
        return attempt < 3 ? throw new InvalidOperationException($"attempt {attempt} fails") : Task.FromResult(attempt);
    }
}

public sealed class RetryWorkflow : Workflow<string, int>
{
    private static readonly WorkflowTaskOptions Retry = new(new WorkflowRetryPolicy(5, TimeSpan.FromMilliseconds(100)));

    public override Task<int> RunAsync(WorkflowContext context, string key) =>
        context.CallActivityAsync<int>(nameof(FlakyActivity), key, Retry);
}

public sealed class ReserveActivity(Probe probe) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string order)
    {
        probe.Log.Enqueue("reserve " + order);
        return Task.FromResult("reservation-" + order);
    }
}

public sealed class ChargeActivity(Probe probe) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string order)
    {
        probe.Log.Enqueue("charge " + order);
        throw new InvalidOperationException("card declined");
    }
}

public sealed class ReleaseActivity(Probe probe) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string reservation)
    {
        probe.Log.Enqueue("release " + reservation);
        return Task.FromResult("released");
    }
}

/// <summary>Reserve, charge (fails), and on failure release the reservation.</summary>
public sealed class CompensationWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string order)
    {
        var reservation = await context.CallActivityAsync<string>(nameof(ReserveActivity), order);
        try
        {
            await context.CallActivityAsync<string>(nameof(ChargeActivity), order);
            return "charged";
        }
        catch (WorkflowTaskFailedException e)
        {
            await context.CallActivityAsync<string>(nameof(ReleaseActivity), reservation);
            return "compensated: " + e.FailureDetails.ErrorMessage;
        }
    }
}

/// <summary>Waits for "go" without a timeout and returns its payload.</summary>
public sealed class WaitForGoWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.WaitForExternalEventAsync<string>("go");
}

/// <summary>Continues as new until the count reaches 3.</summary>
public sealed class CountUpWorkflow : Workflow<int, int>
{
    public override Task<int> RunAsync(WorkflowContext context, int count)
    {
        if (count >= 3)
            return Task.FromResult(count);
        context.ContinueAsNew(count + 1);
        return Task.FromResult(-1);
    }
}

public sealed class StatusWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        context.SetCustomStatus(new { step = "waiting" });
        var next = await context.WaitForExternalEventAsync<string>("next");
        context.SetCustomStatus(new { step = "done" });
        return next;
    }
}

public sealed class FailingWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        throw new InvalidOperationException("broken on purpose: " + input);
}

/// <summary>One activity, then one that blocks until the probe's gate opens, then one more.</summary>
public sealed class GatedChainWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var first = await context.CallActivityAsync<string>(nameof(AppendActivity), new[] { "", input + "1" });
        var gated = await context.CallActivityAsync<string>(nameof(GatedActivity), first);
        return await context.CallActivityAsync<string>(nameof(AppendActivity), new[] { gated, input + "3" });
    }
}

public sealed class GatedActivity(Probe probe) : WorkflowActivity<string, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        probe.Hit("gated");
        probe.GateReached.TrySetResult();
        await probe.Gate.Task;
        return input + "-gated";
    }
}

/// <summary>Names the app whose worker ran it.</summary>
public sealed class WhereActivity(Probe probe) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input) => Task.FromResult(probe.AppName);
}

public sealed class WhereWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input) =>
        "child in " + await context.CallActivityAsync<string>(nameof(WhereActivity), input);
}

/// <summary>Routes an activity and a child workflow to the app named by the input (TargetAppId).</summary>
public sealed class CrossAppWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string targetApp)
    {
        var local = await context.CallActivityAsync<string>(nameof(WhereActivity), "x");
        var remote = await context.CallActivityAsync<string>(nameof(WhereActivity), "x", new WorkflowTaskOptions(TargetAppId: targetApp));
        var child = await context.CallChildWorkflowAsync<string>(nameof(WhereWorkflow), "x",
            new ChildWorkflowTaskOptions(InstanceId: context.InstanceId + "-remote-child", TargetAppId: targetApp));
        return $"activity in {local}, activity in {remote}, {child}";
    }
}

/// <summary>Runs a child workflow by name (input: [name, child input]) and reports how it ended.</summary>
public sealed class SupervisorWorkflow : Workflow<string[], string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string[] args)
    {
        try
        {
            var result = await context.CallChildWorkflowAsync<string>(args[0], args[1],
                new ChildWorkflowTaskOptions(InstanceId: context.InstanceId + "-child"));
            return "child returned " + result;
        }
        catch (WorkflowTaskFailedException e)
        {
            return "child failed: " + e.FailureDetails.ErrorMessage;
        }
    }
}

/// <summary>Three appends named after the input ("w1.1", "w1.2", "w1.3"), so each (instance, task) has its own probe key.</summary>
public sealed class TaggedChainWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string tag)
    {
        var s = "";
        for (var step = 1; step <= 3; step++)
            s = await context.CallActivityAsync<string>(nameof(AppendActivity), new[] { s, $"{tag}.{step}" });
        return s;
    }
}

/// <summary>Records the trace the worker ran it in: <c>trace:{trace id}:{parent span id}</c>.</summary>
public sealed class TraceActivity(Probe probe) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        var current = System.Diagnostics.Activity.Current;
        probe.Log.Enqueue($"trace:{current?.TraceId.ToHexString()}:{current?.ParentSpanId.ToHexString()}");
        return Task.FromResult(input);
    }
}

/// <summary>Two activities and a child workflow with one more, each recording its trace.</summary>
public sealed class TracedWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(TraceActivity), "first");
        await context.CallActivityAsync<string>(nameof(TraceActivity), "second");
        return await context.CallChildWorkflowAsync<string>(nameof(TracedChildWorkflow), input,
            new ChildWorkflowTaskOptions(InstanceId: context.InstanceId + "-child"));
    }
}

public sealed class TracedChildWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.CallActivityAsync<string>(nameof(TraceActivity), input);
}
