using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Data.Sqlite;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Workflows;

/// <summary>
/// Instances in flight survive a restart of sidecar and app: history lives in the actor state store. The in-memory
/// store is one instance per (file, name) in a <see cref="SidecarCluster"/>, so a new sidecar over the same
/// resources folder in the same cluster sees what the old one saved, as a sqlite file would across processes.
/// </summary>
public sealed class WorkflowDurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workflow_resumes_after_sidecar_and_app_restart_without_rerunning_completed_activities()
    {
        using var dir = new TempDir();
        await WriteResourcesAsync(dir);
        await using var cluster = new SidecarCluster();
        var probe = new Probe();
        var options = new SidecarOptions { AppId = "orders", ResourcesPaths = [dir.Path] };

        var sidecar = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        var app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        await app.Client.ScheduleNewWorkflowAsync(nameof(GatedChainWorkflow), "durable-1", "d");
        await probe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await app.DisposeAsync();
        await sidecar.DisposeAsync();

        probe.Gate.TrySetResult();
        sidecar = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        try
        {
            var state = await CompletionAsync(app, "durable-1");

            Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
            Assert.Equal("d1-gated-d3", state.ReadOutputAs<string>());
            Assert.Equal(1, probe.Count("append:d1"));
            Assert.Equal(2, probe.Count("gated"));
            Assert.Equal(1, probe.Count("append:d3"));
        }
        finally
        {
            await app.DisposeAsync();
            await sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task Workflow_survives_a_process_restart_over_the_same_sqlite_file()
    {
        using var dir = new TempDir();
        var db = await SqliteActorStoreAsync(dir);
        var probe = new Probe();
        var options = new SidecarOptions { AppId = "orders", ResourcesPaths = [dir.Path] };

        // First "process": its own cluster, so its own sqlite connection; stopped mid-activity.
        await using (var first = new SidecarCluster())
        {
            var sidecar = await Sidecar.StartAsync(options, first, cancellationToken: Ct);
            var app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
            await app.Client.ScheduleNewWorkflowAsync(nameof(GatedChainWorkflow), "sqlite-1", "q");
            await probe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
            await app.DisposeAsync();
            await sidecar.DisposeAsync();
        }

        probe.Gate.TrySetResult();
        await using var second = new SidecarCluster();
        await using var restarted = await Sidecar.StartAsync(options, second, cancellationToken: Ct);
        await using var again = await WorkflowApp.StartAsync(restarted, probe, Ct);
        var state = await CompletionAsync(again, "sqlite-1");

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("q1-gated-q3", state.ReadOutputAs<string>());
        Assert.Equal(1, probe.Count("append:q1"));
        Assert.Equal(1, probe.Count("append:q3"));
    }

    [Fact]
    public async Task The_instance_index_is_spread_over_buckets_and_an_old_single_index_is_folded_into_them_at_start_up()
    {
        using var dir = new TempDir();
        var db = await SqliteActorStoreAsync(dir);
        var options = new SidecarOptions { AppId = "orders", ResourcesPaths = [dir.Path] };
        var ids = Enumerable.Range(0, 40).Select(i => $"many-{i}").Order(StringComparer.Ordinal).ToList();
        await using (var first = new SidecarCluster())
        {
            await using var sidecar = await Sidecar.StartAsync(options, first, cancellationToken: Ct);
            await using var app = await WorkflowApp.StartAsync(sidecar, new Probe(), Ct);
            foreach (var id in ids)
                await app.Client.ScheduleNewWorkflowAsync(nameof(CountUpWorkflow), id, 3);
            foreach (var id in ids)
                await CompletionAsync(app, id);
        }

        // Each start rewrote one bucket: several keys, none holding every id, together every id once.
        var buckets = await IndexRowsAsync(db);
        Assert.True(buckets.Count > 1, $"{buckets.Count} index keys");
        Assert.All(buckets.Values, b => Assert.True(b.Count < ids.Count));
        Assert.Equal(ids, buckets.Values.SelectMany(b => b).Order(StringComparer.Ordinal));

        // A store written before the buckets: every id in one index key.
        await ExecuteAsync(db, $"DELETE FROM state WHERE key LIKE '{IndexPrefix}%'");
        await ExecuteAsync(db, $"INSERT INTO state (key, value, is_binary, etag, update_time) VALUES ('{IndexPrefix.TrimEnd('|')}', '{JsonSerializer.Serialize(ids)}', 0, 'old', '2026-11-25T00:00:00Z')");

        await using var second = new SidecarCluster();
        await using var restarted = await Sidecar.StartAsync(options, second, cancellationToken: Ct);
        await using var again = await WorkflowApp.StartAsync(restarted, new Probe(), Ct);
        foreach (var id in ids)
        {
            var state = await again.Client.GetWorkflowStateAsync(id, cancellation: Ct);
            Assert.Equal((WorkflowRuntimeStatus.Completed, 3), (state!.RuntimeStatus, state.ReadOutputAs<int>()));
        }
        var folded = await IndexRowsAsync(db);
        Assert.DoesNotContain(IndexPrefix.TrimEnd('|'), folded.Keys);
        Assert.Equal(ids, folded.Values.SelectMany(b => b).Order(StringComparer.Ordinal));
    }

    /// <summary>Writes a state.sqlite actor state store into <paramref name="dir"/>; returns the database file.</summary>
    private static async Task<string> SqliteActorStoreAsync(TempDir dir)
    {
        var db = dir.File("actors.db");
        await File.WriteAllTextAsync(dir.File("state.yaml"),
            Yaml.Component("statestore", "state.sqlite", ("connectionString", db), ("actorStateStore", "true")), Ct);
        return db;
    }

    private const string IndexPrefix = "orders||dapr.internal.workflow||index||";

    /// <summary>Index key → its ids (the old single key included), read straight from the SQLite file.</summary>
    private static async Task<Dictionary<string, List<string>>> IndexRowsAsync(string db)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT key, value FROM state WHERE key LIKE '{IndexPrefix.TrimEnd('|')}%'";
        var rows = new Dictionary<string, List<string>>();
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            rows[reader.GetString(0)] = JsonSerializer.Deserialize<List<string>>(reader.GetString(1))!;
        return rows;
    }

    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task Pending_durable_timer_fires_after_restart()
    {
        using var dir = new TempDir();
        await WriteResourcesAsync(dir);
        await using var cluster = new SidecarCluster();
        var probe = new Probe();
        var options = new SidecarOptions { AppId = "orders", ResourcesPaths = [dir.Path] };
        var started = DateTime.UtcNow;

        var sidecar = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        var app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        await app.Client.ScheduleNewWorkflowAsync(nameof(TimerWorkflow), "durable-timer", 1500);
        await app.Client.WaitForWorkflowStartAsync("durable-timer", cancellation: Ct);
        await app.DisposeAsync();
        await sidecar.DisposeAsync();

        sidecar = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        try
        {
            var state = await CompletionAsync(app, "durable-timer");

            Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
            Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(1500));
        }
        finally
        {
            await app.DisposeAsync();
            await sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task Running_app_reconnects_to_a_restarted_sidecar_and_finishes_its_workflow()
    {
        using var dir = new TempDir();
        await WriteResourcesAsync(dir);
        await using var cluster = new SidecarCluster();
        var probe = new Probe();
        var sidecar = await Sidecar.StartAsync(new SidecarOptions { AppId = "orders", ResourcesPaths = [dir.Path] }, cluster, cancellationToken: Ct);
        var options = new SidecarOptions
        {
            AppId = "orders",
            ResourcesPaths = [dir.Path],
            HttpPort = sidecar.HttpEndpoint.Port,
            GrpcPort = sidecar.GrpcEndpoint.Port,
        };
        await using var app = await WorkflowApp.StartAsync(sidecar, probe, Ct);
        await app.Client.ScheduleNewWorkflowAsync(nameof(GatedChainWorkflow), "reconnect-1", "r");
        await probe.GateReached.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        await sidecar.DisposeAsync();
        probe.Gate.TrySetResult();
        await using var restarted = await Sidecar.StartAsync(options, cluster, cancellationToken: Ct);
        var state = await CompletionAsync(app, "reconnect-1");

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("r1-gated-r3", state.ReadOutputAs<string>());
        Assert.Equal(1, probe.Count("append:r1"));
        Assert.Equal(1, probe.Count("append:r3"));
    }

    private static Task WriteResourcesAsync(TempDir dir) =>
        File.WriteAllTextAsync(dir.File("state.yaml"), WorkflowHarness.ActorStore["state.yaml"], Ct);

    /// <summary>
    /// Waits for completion. Right after a sidecar restart the client's pooled HTTP/2 connection to the old one may still
    /// take a call and then see the old server's GOAWAY; such a connection-level failure is retried within the deadline.
    /// </summary>
    private static async Task<WorkflowState> CompletionAsync(WorkflowApp app, string id)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                return await app.Client.WaitForWorkflowCompletionAsync(id, cancellation: deadline.Token);
            }
            catch (global::Grpc.Core.RpcException e) when (e.InnerException is HttpRequestException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }
}
