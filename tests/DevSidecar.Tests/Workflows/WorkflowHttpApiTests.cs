using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr.Workflow;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>daprd's HTTP workflow API (<c>/v1.0/workflows/dapr/…</c>) on the dev sidecar.</summary>
public sealed class WorkflowHttpApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Start_and_get_report_daprd_shapes()
    {
        await using var h = await WorkflowHarness.StartAsync();

        var start = await h.Http.PostAsync(h.Api("ChainWorkflow/start?instanceID=http-1"), Json("\"go\""), Ct);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal("http-1", (await start.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("instanceID").GetString());
        await h.CompletionAsync("http-1");

        var get = await h.Http.GetAsync(h.Api("http-1"), Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var body = await get.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("http-1", body.GetProperty("instanceID").GetString());
        Assert.Equal("ChainWorkflow", body.GetProperty("workflowName").GetString());
        Assert.Equal("COMPLETED", body.GetProperty("runtimeStatus").GetString());
        Assert.True(body.GetProperty("createdAt").GetDateTimeOffset() <= body.GetProperty("lastUpdatedAt").GetDateTimeOffset());
        var properties = body.GetProperty("properties");
        Assert.Equal("\"go\"", properties.GetProperty("dapr.workflow.input").GetString());
        Assert.Equal("\"go-a-b-c\"", properties.GetProperty("dapr.workflow.output").GetString());
        Assert.False(properties.TryGetProperty("dapr.workflow.failure.error_type", out _));
    }

    [Fact]
    public async Task Start_without_instance_id_generates_one()
    {
        await using var h = await WorkflowHarness.StartAsync();

        var start = await h.Http.PostAsync(h.Api("FanOutWorkflow/start"), Json("3"), Ct);
        var id = (await start.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("instanceID").GetString();

        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(14, (await h.CompletionAsync(id!)).ReadOutputAs<int>());
    }

    [Fact]
    public async Task Raise_event_over_http_reaches_the_waiting_workflow()
    {
        await using var h = await WorkflowHarness.StartAsync();
        await h.Http.PostAsync(h.Api("WaitForGoWorkflow/start?instanceID=http-ev"), Json("\"x\""), Ct);

        var raise = await h.Http.PostAsync(h.Api("http-ev/raiseEvent/go"), Json("\"from http\""), Ct);

        Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        Assert.Equal("from http", (await h.CompletionAsync("http-ev")).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Terminate_pause_resume_and_purge_over_http()
    {
        await using var h = await WorkflowHarness.StartAsync();
        await h.Http.PostAsync(h.Api("WaitForGoWorkflow/start?instanceID=http-ctl"), Json("\"x\""), Ct);
        await h.UntilAsync("http-ctl", s => s.RuntimeStatus == WorkflowRuntimeStatus.Running);

        Assert.Equal(HttpStatusCode.Accepted, (await h.Http.PostAsync(h.Api("http-ctl/pause"), null, Ct)).StatusCode);
        Assert.Equal("SUSPENDED", await StatusAsync(h, "http-ctl"));
        Assert.Equal(HttpStatusCode.Accepted, (await h.Http.PostAsync(h.Api("http-ctl/resume"), null, Ct)).StatusCode);
        Assert.Equal("RUNNING", await StatusAsync(h, "http-ctl"));
        var purgeRunning = await h.Http.PostAsync(h.Api("http-ctl/purge"), null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, purgeRunning.StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await h.Http.PostAsync(h.Api("http-ctl/terminate"), null, Ct)).StatusCode);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await h.CompletionAsync("http-ctl")).RuntimeStatus);
        Assert.Equal("TERMINATED", await StatusAsync(h, "http-ctl"));

        Assert.Equal(HttpStatusCode.Accepted, (await h.Http.PostAsync(h.Api("http-ctl/purge"), null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Http.GetAsync(h.Api("http-ctl"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Failed_workflow_exposes_failure_properties()
    {
        await using var h = await WorkflowHarness.StartAsync();
        await h.Http.PostAsync(h.Api("FailingWorkflow/start?instanceID=http-fail"), Json("\"why\""), Ct);
        await h.CompletionAsync("http-fail");

        var body = await h.Http.GetFromJsonAsync<JsonElement>(h.Api("http-fail"), Ct);

        Assert.Equal("FAILED", body.GetProperty("runtimeStatus").GetString());
        var properties = body.GetProperty("properties");
        Assert.Equal("System.InvalidOperationException", properties.GetProperty("dapr.workflow.failure.error_type").GetString());
        Assert.Equal("broken on purpose: why", properties.GetProperty("dapr.workflow.failure.error_message").GetString());
    }

    [Theory]
    [InlineData("GET", "dapr/nope", 404, "ERR_INSTANCE_ID_NOT_FOUND")]
    [InlineData("POST", "dapr/nope/terminate", 404, "ERR_INSTANCE_ID_NOT_FOUND")]
    [InlineData("POST", "dapr/nope/raiseEvent/go", 404, "ERR_INSTANCE_ID_NOT_FOUND")]
    [InlineData("POST", "dapr/ChainWorkflow/start?instanceID=bad%20id", 400, "ERR_INSTANCE_ID_INVALID")]
    [InlineData("POST", "temporal/ChainWorkflow/start", 400, "ERR_WORKFLOW_COMPONENT_NOT_FOUND")]
    [InlineData("GET", "v1.0-beta1:dapr/nope", 404, "ERR_INSTANCE_ID_NOT_FOUND")]
    public async Task Bad_requests_get_daprd_error_codes(string method, string path, int status, string code)
    {
        await using var h = await WorkflowHarness.StartAsync();
        var version = path.Contains(':') ? path[..path.IndexOf(':')] : "v1.0";
        var uri = new Uri(h.Dapr.Sidecar.HttpEndpoint, $"{version}/workflows/{path[(path.IndexOf(':') + 1)..]}");

        var response = await h.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), uri), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errorCode").GetString());
    }

    private static async Task<string?> StatusAsync(WorkflowHarness h, string id) =>
        (await h.Http.GetFromJsonAsync<JsonElement>(h.Api(id), Ct)).GetProperty("runtimeStatus").GetString();
}
