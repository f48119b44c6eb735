using Dapr.Workflow;

namespace ShopDapr.WorkflowProbeApp;

/// <summary>Three activities in a row; the second blocks until the gate file exists.</summary>
public sealed class ProbeChainWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var first = await context.CallActivityAsync<string>(nameof(FirstStep), input);
        var gated = await context.CallActivityAsync<string>(nameof(GatedStep), first);
        return await context.CallActivityAsync<string>(nameof(LastStep), gated);
    }
}

public sealed class FirstStep(ProbeFiles files) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        files.Record($"first {input}");
        return Task.FromResult(input + "-first");
    }
}

public sealed class GatedStep(ProbeFiles files) : WorkflowActivity<string, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        files.Record($"gated-start {input}");
        await files.GateAsync(CancellationToken.None);
        files.Record($"gated-end {input}");
        return input + "-gated";
    }
}

public sealed class LastStep(ProbeFiles files) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        files.Record($"last {input}");
        return Task.FromResult(input + "-last");
    }
}
