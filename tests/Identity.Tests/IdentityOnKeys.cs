using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

/// <summary>
/// Identity signing through the keys app as the shop runs them: keys in process behind its dev sidecar, identity's own
/// dev sidecar (its secret store holds only the first admin, no signing key), and identity configured to sign through
/// keys. More sidecars (a validating app) come from <see cref="Sidecars"/>.
/// </summary>
internal sealed class IdentityOnKeys : IAsyncDisposable
{
    private readonly string _secretsFile;

    private IdentityOnKeys(string secretsFile, KeysApp keys, DevSidecars sidecars, IdentityFactory identity)
    {
        _secretsFile = secretsFile;
        Keys = keys;
        Sidecars = sidecars;
        Identity = identity;
    }

    public KeysApp Keys { get; }
    public DevSidecars Sidecars { get; }
    public IdentityFactory Identity { get; }

    /// <param name="keysServices">Replacements in the keys app's services (a clock).</param>
    /// <param name="keysSettings">The keys app's settings beyond its defaults (applied before it starts).</param>
    /// <param name="identityAnswersItsSidecar">Whether identity's sidecar reaches identity (its JWKS through service
    /// invocation); identity is made after its sidecar, so the sidecar's channel connects on its first call.</param>
    public static async Task<IdentityOnKeys> StartAsync(CancellationToken ct, Action<IServiceCollection>? keysServices = null,
        IReadOnlyDictionary<string, string>? keysSettings = null, bool identityAnswersItsSidecar = false)
    {
        var secretsFile = Path.Combine(Directory.CreateTempSubdirectory("identity-secrets-").FullName, "secrets.json");
        var secrets = IdentityFactory.Secrets();
        secrets.Remove("token-signing-key");
        await File.WriteAllTextAsync(secretsFile, JsonSerializer.Serialize(secrets), ct);
        var keys = await KeysApp.StartAsync(ct, keysServices);
        foreach (var (key, value) in keysSettings ?? new Dictionary<string, string>())
            keys.Settings[key] = value;
        var sidecars = new DevSidecars(new Dictionary<string, string>
        {
            ["secretstore.yaml"] = DevDapr.Component(DevDapr.SecretStore, "secretstores.local.file", ("secretsFile", secretsFile)),
            ["pubsub.yaml"] = DevDapr.Component(DevDapr.PubSub, "pubsub.in-memory"),
            ["outbox.yaml"] = DevDapr.Component(ShopNames.Components.UserBehaviorStateStore, "state.in-memory",
                ("outboxPublishPubsub", DevDapr.PubSub), ("outboxPublishTopic", ShopNames.Topics.UserBehavior), ("outboxDiscardWhenMissingState", "true")),
        });
        await sidecars.StartAsync(ShopNames.AppIds.Keys, keys.Server.CreateHandler(), appApiToken: ShopAppFactory<Program>.DefaultAppApiToken, cancellationToken: ct);
        IdentityFactory? configured = null; // set once identity's settings are all in: until then its sidecar finds nothing listening
        var sidecar = identityAnswersItsSidecar
            ? await sidecars.StartAsync(ShopNames.AppIds.Identity, new LateHandler(() => Volatile.Read(ref configured)?.Server.CreateHandler()),
                appApiToken: ShopAppFactory<Program>.DefaultAppApiToken, cancellationToken: ct)
            : await sidecars.StartAsync(ShopNames.AppIds.Identity, cancellationToken: ct);
        var identity = new IdentityFactory(dapr: null);
        identity.Settings["Identity:TokenSigning"] = nameof(TokenSigning.Keys);
        identity.Settings["Identity:SigningKeysCacheDuration"] = "00:00:01";
        identity.Settings["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        identity.Settings["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
        Volatile.Write(ref configured, identity);
        return new IdentityOnKeys(secretsFile, keys, sidecars, identity);
    }

    public async ValueTask DisposeAsync()
    {
        await Identity.DisposeAsync();
        await Sidecars.DisposeAsync();
        await Keys.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_secretsFile)!, recursive: true);
    }

    /// <summary>
    /// Sends to the handler <paramref name="make"/> gives (an app that starts after its sidecar); while it gives none, a
    /// request is refused as by a port nothing listens on, which the sidecar's discovery waits out.
    /// </summary>
    private sealed class LateHandler(Func<HttpMessageHandler?> make) : HttpMessageHandler
    {
        private HttpMessageInvoker? _inner;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _inner) is null && make() is { } handler)
                Interlocked.CompareExchange(ref _inner, new HttpMessageInvoker(handler), null);
            return _inner is { } inner
                ? inner.SendAsync(request, cancellationToken)
                : throw new HttpRequestException(HttpRequestError.ConnectionError, "The app has not started yet.");
        }

        protected override void Dispose(bool disposing)
        {
            _inner?.Dispose();
            base.Dispose(disposing);
        }
    }
}
