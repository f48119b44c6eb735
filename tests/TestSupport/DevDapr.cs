using System.Text.Json;
using Dapr.Client;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Testing;

/// <summary>
/// The Dapr an app under test talks to: a REAL in-process dev sidecar (tools/DevSidecar) for one app id, with a
/// <c>state.sqlite</c> store in a temp file (a real component whose rows a test can list: "nothing was written" is a
/// comparison of <see cref="Snapshot"/>s), <c>pubsub.in-memory</c>, an optional <c>secretstores.local.file</c>, and an
/// event recorder: a second app behind its own sidecar subscribed to every topic, so <see cref="Published"/> holds what
/// really went through the broker. Point the app's real DaprClient at it with <see cref="AppSettings"/>.
/// </summary>
public sealed class DevDapr : IAsyncDisposable
{
    public const string StateStore = "statestore";
    public const string PubSub = "pubsub";
    public const string SecretStore = "secretstore";

    private readonly DirectoryInfo _dir;
    private readonly SidecarCluster _cluster;
    private readonly Sidecar _recorderSidecar;
    private readonly EventRecorder _recorder;
    private readonly List<DaprClient> _clients = [];
    private readonly List<Sidecar> _peers = [];

    private DevDapr(DirectoryInfo dir, SidecarCluster cluster, Sidecar sidecar, Sidecar recorderSidecar, EventRecorder recorder, string? apiToken)
    {
        (_dir, _cluster, Sidecar, _recorderSidecar, _recorder, ApiToken) = (dir, cluster, sidecar, recorderSidecar, recorder, apiToken);
        Client = CreateClient();
    }

    public Sidecar Sidecar { get; }

    /// <summary>The DAPR_API_TOKEN the sidecar demands (null: none).</summary>
    public string? ApiToken { get; }

    /// <summary>A DaprClient on the app's own sidecar: what another replica of the app (or a tool beside it) would use.</summary>
    public DaprClient Client { get; }

    /// <summary>Every event that went through the pub/sub, as the recorder received it.</summary>
    public PublishedEvents Published => _recorder.Events;

    /// <summary>Configuration that points an app's real DaprClient at this sidecar.</summary>
    public IReadOnlyDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["DAPR_HTTP_ENDPOINT"] = Sidecar.HttpEndpoint.ToString(),
        ["DAPR_GRPC_ENDPOINT"] = Sidecar.GrpcEndpoint.ToString(),
        ["DAPR_API_TOKEN"] = ApiToken,
    };

    /// <param name="app">The app behind the sidecar (its TestServer handler), when the sidecar must call it back.</param>
    /// <param name="secrets">Values for a <c>secretstores.local.file</c> store named <see cref="SecretStore"/>; none when null.</param>
    /// <param name="resources">More resource files (name → YAML).</param>
    public static async Task<DevDapr> StartAsync(
        string appId,
        CancellationToken cancellationToken,
        string? apiToken = null,
        IReadOnlyDictionary<string, string>? secrets = null,
        HttpMessageHandler? app = null,
        string? appApiToken = null,
        IReadOnlyDictionary<string, string>? resources = null)
    {
        var dir = Directory.CreateTempSubdirectory($"devdapr-{appId}-");
        var database = Path.Combine(dir.FullName, "state.db");
        var files = new Dictionary<string, string>(resources ?? new Dictionary<string, string>())
        {
            ["statestore.yaml"] = Component(StateStore, "state.sqlite", ("connectionString", database)),
            // The shop's second definition of the same store, with Dapr's outbox on user-behavior (cart and identity write through it).
            ["statestore-user-behavior.yaml"] = Component(ShopNames.Components.UserBehaviorStateStore, "state.sqlite", ("connectionString", database),
                ("outboxPublishPubsub", PubSub), ("outboxPublishTopic", ShopNames.Topics.UserBehavior), ("outboxDiscardWhenMissingState", "true")),
            // And its third, with the outbox on order-events (shipping writes through it).
            ["statestore-order-events.yaml"] = Component(ShopNames.Components.OrderEventsStateStore, "state.sqlite", ("connectionString", database),
                ("outboxPublishPubsub", PubSub), ("outboxPublishTopic", ShopNames.Topics.OrderEvents), ("outboxDiscardWhenMissingState", "true")),
            ["pubsub.yaml"] = Component(PubSub, "pubsub.in-memory"),
            ["recorder.yaml"] = $"""
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: {EventRecorder.AppId}
                spec:
                  pubsubname: {PubSub}
                  topic: "*"
                  routes:
                    default: {EventRecorder.Route}
                scopes:
                  - {EventRecorder.AppId}
                """,
        };
        if (secrets is not null)
        {
            var file = Path.Combine(dir.FullName, "secrets.json");
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(secrets), cancellationToken);
            files["secretstore.yaml"] = Component(SecretStore, "secretstores.local.file", ("secretsFile", file));
        }
        foreach (var (name, yaml) in files)
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, name), yaml, cancellationToken);

        var cluster = new SidecarCluster();
        var recorder = await EventRecorder.StartAsync(cancellationToken);
        var recorderSidecar = await Sidecar.StartAsync(new SidecarOptions
        {
            AppId = EventRecorder.AppId,
            ResourcesPaths = [dir.FullName],
            AppChannel = AppChannelOptions.FromHandler(recorder.CreateHandler()),
        }, cluster, cancellationToken: cancellationToken);
        var sidecar = await Sidecar.StartAsync(new SidecarOptions
        {
            AppId = appId,
            ResourcesPaths = [dir.FullName],
            AppChannel = app is null ? null : AppChannelOptions.FromHandler(app),
            ApiToken = apiToken,
            AppApiToken = appApiToken,
        }, cluster, cancellationToken: cancellationToken);
        return new DevDapr(dir, cluster, sidecar, recorderSidecar, recorder, apiToken);
    }

    /// <summary>Another app's sidecar beside this one (same resources, same in-memory broker): an app this one invokes.</summary>
    public async Task<Sidecar> StartPeerAsync(string appId, HttpMessageHandler app, CancellationToken cancellationToken)
    {
        var peer = await Sidecar.StartAsync(new SidecarOptions
        {
            AppId = appId,
            ResourcesPaths = [_dir.FullName],
            AppChannel = AppChannelOptions.FromHandler(app),
        }, _cluster, cancellationToken: cancellationToken);
        _peers.Add(peer);
        return peer;
    }

    /// <summary>
    /// A DaprClient on the app's sidecar whose every gRPC call first runs <paramref name="beforeCall"/> with the method
    /// name (e.g. <c>SaveState</c>) and the request's bytes: how a test interleaves a rival writer between an app's read
    /// and its write (a window the real sidecar cannot be asked to open on demand) while both still go to the real store.
    /// </summary>
    public DaprClient CreateClient(Func<string, byte[], Task>? beforeCall = null) =>
        Build(beforeCall is null ? new SocketsHttpHandler() : new BeforeCallHandler(beforeCall));

    private DaprClient Build(HttpMessageHandler handler)
    {
        var builder = new DaprClientBuilder()
            .UseHttpEndpoint(Sidecar.HttpEndpoint.ToString())
            .UseGrpcEndpoint(Sidecar.GrpcEndpoint.ToString())
            .UseJsonSerializationOptions(new JsonSerializerOptions(JsonSerializerDefaults.Web))
            .UseGrpcChannelOptions(new GrpcChannelOptions
            {
                HttpHandler = handler,
                ThrowOperationCanceledOnCancellation = true,
            });
        if (ApiToken is not null)
            builder.UseDaprApiToken(ApiToken);
        var client = builder.Build();
        _clients.Add(client);
        return client;
    }

    /// <summary>A DaprClient on the app's sidecar with <paramref name="wire"/> on its wire.</summary>
    public DaprClient CreateClient(DaprWire wire) => Build(new WireHandler(wire));

    /// <summary>Every key in the state store (without the app-id prefix) → (value as stored, ETag).</summary>
    public IReadOnlyDictionary<string, (string Json, string ETag)> Snapshot()
    {
        using var db = OpenStore();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT key, value, etag FROM state WHERE expiration_time IS NULL OR expiration_time > @now";
        cmd.Parameters.AddWithValue("@now", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
        using var reader = cmd.ExecuteReader();
        var rows = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var key = reader.GetString(0);
            var prefix = key.IndexOf("||", StringComparison.Ordinal);
            if (prefix >= 0) // an unprefixed key is the outbox's own marker of a transaction in flight, gone once its event is out
                rows[key[(prefix + 2)..]] = (reader.GetString(1), reader.GetString(2));
        }
        return rows;
    }

    /// <summary>When <paramref name="key"/> expires (its TTL as the store applied it); null when it never does or is absent.</summary>
    public DateTimeOffset? ExpiresAt(string key)
    {
        using var db = OpenStore();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT expiration_time FROM state WHERE key LIKE '%||' || @key";
        cmd.Parameters.AddWithValue("@key", key);
        return cmd.ExecuteScalar() is string text
            ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)
            : null;
    }

    /// <summary>The sidecar's SQLite file, read-only, beside it.</summary>
    private SqliteConnection OpenStore()
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_dir.FullName, "state.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        db.Open();
        return db;
    }

    /// <summary>The value stored under <paramref name="key"/> (web JSON rules), default when absent.</summary>
    public T? Read<T>(string key) =>
        Snapshot().TryGetValue(key, out var row) ? JsonSerializer.Deserialize<T>(row.Json, PublishedEvents.Json) : default;

    /// <summary>The ETag of <paramref name="key"/>; null when absent. Every write changes it.</summary>
    public string? ETag(string key) => Snapshot().TryGetValue(key, out var row) ? row.ETag : null;

    /// <summary>Writes as another replica would: through the sidecar, last write wins.</summary>
    public Task WriteAsync<T>(string key, T value, CancellationToken cancellationToken) =>
        Client.SaveStateAsync(StateStore, key, value, cancellationToken: cancellationToken);

    /// <summary>
    /// Waits until the broker holds nothing undelivered: after it, <see cref="Published"/> has every event published
    /// before the call (so "nothing was published" can be asserted without a fixed wait).
    /// </summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        if (!await _cluster.InFlight.WaitIdleAsync(TimeSpan.FromSeconds(20), cancellationToken))
            throw new TimeoutException("The in-memory pub/sub still held undelivered events after 20 s.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await Sidecar.DisposeAsync();
        foreach (var peer in _peers)
            await peer.DisposeAsync();
        await _recorderSidecar.DisposeAsync();
        await _cluster.DisposeAsync();
        await _recorder.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a late reader: the temp folder is cleaned by the OS.
        }
    }

    /// <summary>A component's YAML: <paramref name="metadata"/> values are quoted.</summary>
    public static string Component(string name, string type, params (string Name, string Value)[] metadata)
    {
        var yaml = new System.Text.StringBuilder()
            .Append("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: ").Append(name)
            .Append("\nspec:\n  type: ").Append(type).Append("\n  version: v1\n  metadata:").Append(metadata.Length == 0 ? " []\n" : "\n");
        foreach (var (key, value) in metadata)
            yaml.Append("    - name: ").Append(key).Append("\n      value: \"").Append(value).Append("\"\n");
        return yaml.ToString();
    }

    private sealed class WireHandler(DaprWire wire) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not { } content)
                return await base.SendAsync(request, cancellationToken);
            var body = await content.ReadAsByteArrayAsync(cancellationToken);
            var path = request.RequestUri!.AbsolutePath;
            var after = await wire.BeforeAsync(path[(path.LastIndexOf('/') + 1)..], body);
            var copy = new ByteArrayContent(body);
            foreach (var header in content.Headers)
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            request.Content = copy;
            var response = await base.SendAsync(request, cancellationToken);
            // A failed unary call answers trailers-only: its grpc-status comes with the headers; a success has none there.
            var ok = response.IsSuccessStatusCode
                && (!response.Headers.TryGetValues("grpc-status", out var status) || status.FirstOrDefault() == "0");
            if (after is not null)
                await after(response, ok);
            return response;
        }
    }

    private sealed class BeforeCallHandler(Func<string, byte[], Task> beforeCall) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                var body = await content.ReadAsByteArrayAsync(cancellationToken);
                await beforeCall(request.RequestUri!.AbsolutePath[(request.RequestUri.AbsolutePath.LastIndexOf('/') + 1)..], body);
                var copy = new ByteArrayContent(body);
                foreach (var header in content.Headers)
                    copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                request.Content = copy;
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
