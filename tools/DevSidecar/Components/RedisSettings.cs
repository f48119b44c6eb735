using System.Globalization;
using StackExchange.Redis;

namespace ShopDapr.DevSidecar.Components;

/// <summary>
/// The Redis connection metadata <c>state.redis</c> and <c>pubsub.redis</c> share, named as components-contrib's
/// common Redis settings name them: <c>redisHost</c> (host:port, required), <c>redisPort</c>, <c>redisUsername</c>,
/// <c>redisPassword</c>, <c>redisDB</c>, <c>enableTLS</c>, <c>insecureSkipTLSVerify</c>, <c>dialTimeout</c> (5s),
/// <c>readTimeout</c>/<c>writeTimeout</c> (3s). Fields Dapr knows for tuning go-redis's pool are accepted and have no
/// effect here; Sentinel, cluster mode, client certificates and token authentication are refused by name.
/// </summary>
public sealed record RedisSettings(ConfigurationOptions Options, string Host)
{
    /// <summary>Fields every Redis component of Dapr accepts.</summary>
    public static readonly string[] CommonFields =
    [
        "redisHost", "redisPort", "redisPassword", "redisUsername", "sentinelUsername", "sentinelPassword", "redisDB",
        "redisType", "redisMaxRetries", "redisMinRetryInterval", "redisMaxRetryInterval", "dialTimeout", "readTimeout",
        "writeTimeout", "poolSize", "minIdleConns", "maxConnAge", "poolTimeout", "idleTimeout", "idleCheckFrequency",
        "sentinelMasterName", "failover", "enableTLS", "insecureSkipTLSVerify", "clientCert", "clientKey", "useEntraID",
        "useAzureAD", "useOIDC", "oidcTokenEndpoint", "oidcClientID", "oidcClientAssertionCert", "oidcClientAssertionKey",
        "oidcResource", "oidcAudience", "oidcKid", "oidcScopes", "oidcCACert", "maxRetries", "maxRetryBackoff",
    ];

    public static RedisSettings Read(ComponentContext c)
    {
        var host = c.Required("redisHost");
        if (c.Optional("redisPort") is { } port && !host.Contains(':', StringComparison.Ordinal))
            host = $"{host}:{port}";
        if (!host.Contains(':', StringComparison.Ordinal))
            host += ":6379";
        if (c.Bool("failover", false) || c.Optional("sentinelMasterName") is not null)
            throw c.Invalid("failover", "Redis Sentinel (failover, sentinelMasterName) is not supported by the dev sidecar");
        if (c.Optional("redisType") is { } type && !type.Equals("node", StringComparison.OrdinalIgnoreCase))
            throw c.Invalid("redisType", $"'{type}' is not supported by the dev sidecar (only node)");
        foreach (var unsupported in (string[])["clientCert", "clientKey", "useEntraID", "useAzureAD", "useOIDC"])
        {
            if (c.Optional(unsupported) is { } v && !v.Equals("false", StringComparison.OrdinalIgnoreCase))
                throw c.Invalid(unsupported, "is not supported by the dev sidecar");
        }
        var db = c.Int("redisDB", 0);
        if (db < 0)
            throw c.Invalid("redisDB", $"'{db}' is not a database number");
        var dial = c.Duration("dialTimeout", TimeSpan.FromSeconds(5));
        var io = c.Duration("readTimeout", TimeSpan.FromSeconds(3));
        var options = new ConfigurationOptions
        {
            EndPoints = { host },
            User = c.Optional("redisUsername"),
            Password = c.Optional("redisPassword"),
            DefaultDatabase = db,
            Ssl = c.Bool("enableTLS", false),
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = (int)dial.TotalMilliseconds,
            SyncTimeout = (int)io.TotalMilliseconds,
            AsyncTimeout = (int)Math.Max(io.TotalMilliseconds, c.Duration("writeTimeout", io).TotalMilliseconds),
            ClientName = "dapr-devsidecar",
        };
        if (options.Ssl && c.Bool("insecureSkipTLSVerify", false))
            options.CertificateValidation += (_, _, _, _) => true;
        return new RedisSettings(options, host);
    }

    /// <summary>How many times the first PING may time out before the server counts as not answering.</summary>
    private const int FirstPingAttempts = 3;

    /// <summary>
    /// The first command of a new connection, tried up to <see cref="FirstPingAttempts"/> times when it times out: in a
    /// dev sidecar starting a dozen sidecars and apps on two cores, the client's writer can be starved past
    /// <c>readTimeout</c> before it sends anything (CI saw "Timeout performing PING (3000ms) … qs: 0": never sent). A
    /// server that truly does not answer still stops start-up, after at most three timeouts.
    /// </summary>
    private static void PingAsFirstCall(IDatabase db)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                db.Ping();
                return;
            }
            catch (RedisTimeoutException) when (attempt < FirstPingAttempts)
            {
            }
        }
    }

    /// <summary>
    /// Connects once, bounded by <c>dialTimeout</c>: an unreachable server or refused credentials stop start-up with a
    /// message naming the file, the component and the server, never a hang.
    /// </summary>
    public ConnectionMultiplexer Connect(ComponentContext c)
    {
        try
        {
            var mux = ConnectionMultiplexer.Connect(Options);
            try
            {
                var db = mux.GetDatabase(Options.DefaultDatabase ?? 0);
                PingAsFirstCall(db);
                // The client falls back to an unauthenticated connection when the server refuses HELLO … AUTH; as go-redis
                // does for daprd, refused credentials must fail the component.
                if (Options.Password is { } password)
                    db.Execute("AUTH", Options.User is { } user ? [user, password] : [password]);
                return mux;
            }
            catch
            {
                mux.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            var why = e is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
                      || e.Message.Contains("WRONGPASS", StringComparison.Ordinal) || e.Message.Contains("NOAUTH", StringComparison.Ordinal)
                ? "the server refused the credentials (redisUsername/redisPassword)"
                : "the server did not answer";
            throw c.Invalid("redisHost", string.Create(CultureInfo.InvariantCulture,
                $"cannot connect to Redis at {Host} for {c.Type} component '{c.Name}': {why} ({FirstLine(e.Message)})"));
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
