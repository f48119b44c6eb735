using Dapr.Workflow;
using ShopDapr.WorkflowProbeApp;

// Reaches its sidecar through DAPR_GRPC_ENDPOINT / DAPR_HTTP_ENDPOINT; records each activity in PROBE_LOG;
// the second activity waits for the file PROBE_GATE.
if (args is ["--call-counter-actor", var actorId])
    return await CounterActorCall.RunAsync(actorId);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSingleton(ProbeFiles.FromConfiguration(builder.Configuration));
builder.Services.AddDaprWorkflow(o =>
{
    o.RegisterWorkflow<ProbeChainWorkflow>();
    o.RegisterActivity<FirstStep>();
    o.RegisterActivity<GatedStep>();
    o.RegisterActivity<LastStep>();
});
var app = builder.Build();
app.MapGet("/alive", () => "ok");
await app.RunAsync();
return 0;
