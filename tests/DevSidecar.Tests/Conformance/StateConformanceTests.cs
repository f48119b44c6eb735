using System.Net;
using System.Net.Http.Json;
using Dapr.Client;

namespace ShopDapr.DevSidecar.Tests.Conformance;

/// <summary>State API behaviour that must be the same on the dev sidecar and on daprd (state.in-memory).</summary>
public sealed class StateConformanceTests
{
    private static async Task<(SidecarTarget Target, TempDir Dir)> StartAsync(string kind)
    {
        var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("state.yaml"), Yaml.Component("statestore", "state.in-memory"));
        return (await SidecarTarget.StartAsync(kind, "conformance-state", dir.Path), dir);
    }

    [Theory]
    [MemberData(nameof(SidecarTarget.All), MemberType = typeof(SidecarTarget))]
    public async Task Etags_guard_save_delete_and_transactions(string kind)
    {
        var (target, dir) = await StartAsync(kind);
        await using var _ = target;
        using var __ = dir;
        var dapr = target.Client;
        var ct = TestContext.Current.CancellationToken;

        await dapr.SaveStateAsync("statestore", "a", "one", cancellationToken: ct);
        var (_, etag) = await dapr.GetStateAndETagAsync<string>("statestore", "a", cancellationToken: ct);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.True(await dapr.TrySaveStateAsync("statestore", "a", "two", etag, cancellationToken: ct));
        Assert.False(await dapr.TrySaveStateAsync("statestore", "a", "stale", etag, cancellationToken: ct));
        Assert.False(await dapr.TryDeleteStateAsync("statestore", "a", etag, cancellationToken: ct));

        await dapr.SaveStateAsync("statestore", "b", "untouched", cancellationToken: ct);
        var transaction = new List<StateTransactionRequest>
        {
            new("b", System.Text.Encoding.UTF8.GetBytes("\"changed\""), StateOperationType.Upsert),
            new("a", System.Text.Encoding.UTF8.GetBytes("\"changed\""), StateOperationType.Upsert, etag),
        };
        await Assert.ThrowsAnyAsync<Exception>(() => dapr.ExecuteStateTransactionAsync("statestore", transaction, cancellationToken: ct));
        Assert.Equal("untouched", await dapr.GetStateAsync<string>("statestore", "b", cancellationToken: ct));
        Assert.Equal("two", await dapr.GetStateAsync<string>("statestore", "a", cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(SidecarTarget.All), MemberType = typeof(SidecarTarget))]
    public async Task Bulk_get_returns_every_key_asked_for(string kind)
    {
        var (target, dir) = await StartAsync(kind);
        await using var _ = target;
        using var __ = dir;
        var ct = TestContext.Current.CancellationToken;
        await target.Client.SaveStateAsync("statestore", "x", 1, cancellationToken: ct);
        await target.Client.SaveStateAsync("statestore", "y", 2, cancellationToken: ct);

        var items = await target.Client.GetBulkStateAsync("statestore", ["x", "y", "missing"], parallelism: 2, cancellationToken: ct);

        Assert.Equal(["missing", "x", "y"], items.Select(i => i.Key).Order());
        Assert.Equal("1", items.Single(i => i.Key == "x").Value);
        Assert.True(string.IsNullOrEmpty(items.Single(i => i.Key == "missing").Value));
    }

    [Theory]
    [MemberData(nameof(SidecarTarget.All), MemberType = typeof(SidecarTarget))]
    public async Task Http_state_api_answers_like_daprd(string kind)
    {
        var (target, dir) = await StartAsync(kind);
        await using var _ = target;
        using var __ = dir;
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = target.HttpEndpoint };

        var save = await http.PostAsJsonAsync("/v1.0/state/statestore", new[] { new { key = "h", value = new { n = 1 } } }, ct);
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        var read = await http.GetAsync("/v1.0/state/statestore/h", ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.True(read.Headers.ETag is not null || read.Headers.Contains("ETag"));
        Assert.Equal(1, (await read.Content.ReadFromJsonAsync<Dictionary<string, int>>(ct))!["n"]);

        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync("/v1.0/state/statestore/nothing-here", ct)).StatusCode);

        var unknown = await http.GetAsync("/v1.0/state/no-such-store/h", ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var error = await unknown.Content.ReadFromJsonAsync<Dictionary<string, object>>(ct);
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", error!["errorCode"].ToString());
    }
}
