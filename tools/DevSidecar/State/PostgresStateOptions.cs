using System.Text.RegularExpressions;
using Npgsql;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.State;

/// <summary>
/// <c>state.postgresql</c> (v1) metadata as components-contrib reads it: <c>connectionString</c> (libpq's
/// <c>key=value</c> form, as Dapr's docs write it, or a <c>postgres://</c> URL; or the separate <c>host</c>, <c>port</c>,
/// <c>database</c>, <c>user</c>, <c>password</c> fields), <c>tableName</c> (state; may be <c>schema.table</c>),
/// <c>metadataTableName</c> (dapr_metadata), <c>timeout</c> (20s, at least 1s), <c>cleanupInterval</c> (1h; 0 turns the
/// purge of expired rows off), <c>maxConns</c>.
/// </summary>
public sealed partial record PostgresStateOptions
{
    public static readonly string[] Fields =
    [
        "connectionString", "timeout", "timeoutInSeconds", "tableName", "metadataTableName", "cleanupInterval",
        "cleanupIntervalInSeconds", "maxConns", "connectionMaxIdleTime", "queryExecMode", "host", "hostaddr", "port",
        "database", "user", "password", "sslRootCert", "useAzureAD", "useAWSIAM", "awsRegion", "awsAccessKey", "awsSecretKey",
        "awsSessionToken", "keyPrefix", "actorStateStore", "outboxPublishPubsub", "outboxPublishTopic", "outboxPubsub",
        "outboxDiscardWhenMissingState",
    ];

    public required string ConnectionString { get; init; }

    /// <summary>host:port/database, for messages (never the password).</summary>
    public required string Server { get; init; }

    public string TableName { get; init; } = "state";

    public string MetadataTableName { get; init; } = "dapr_metadata";

    public TimeSpan Timeout { get; init; }

    /// <summary>Null: no periodic purge.</summary>
    public TimeSpan? CleanupInterval { get; init; }

    [GeneratedRegex("^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    public static PostgresStateOptions Read(ComponentContext c)
    {
        c.RejectUnknown(Fields);
        foreach (var cloud in (string[])["useAzureAD", "useAWSIAM"])
        {
            if (c.Bool(cloud, false))
                throw c.Invalid(cloud, "cloud identity authentication is not supported by the dev sidecar");
        }
        var timeout = c.Optional("timeoutInSeconds") is not null
            ? TimeSpan.FromSeconds(c.Int("timeoutInSeconds", 20))
            : c.Duration("timeout", TimeSpan.FromSeconds(20));
        if (timeout < TimeSpan.FromSeconds(1))
            throw c.Invalid("timeout", "invalid value for 'timeout': must be greater than 1s");
        var cleanup = c.Optional("cleanupIntervalInSeconds") is not null
            ? TimeSpan.FromSeconds(c.Int("cleanupIntervalInSeconds", 3600))
            : c.Duration("cleanupInterval", TimeSpan.FromHours(1));
        var builder = Connection(c);
        builder.Timeout = Math.Max(1, (int)Math.Min(timeout.TotalSeconds, 1024));
        builder.CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds);
        if (c.Optional("maxConns") is not null)
            builder.MaxPoolSize = Math.Max(1, c.Int("maxConns", 100));
        return new PostgresStateOptions
        {
            ConnectionString = builder.ConnectionString,
            Server = $"{builder.Host}:{builder.Port}/{builder.Database}",
            TableName = Name(c, "tableName", "state"),
            MetadataTableName = Name(c, "metadataTableName", "dapr_metadata"),
            Timeout = timeout,
            CleanupInterval = cleanup > TimeSpan.Zero ? cleanup : null,
        };
    }

    private static string Name(ComponentContext c, string field, string fallback)
    {
        var v = c.Optional(field) ?? fallback;
        return Identifier().IsMatch(v) ? v : throw c.Invalid(field, $"invalid table name: {v}");
    }

    private static NpgsqlConnectionStringBuilder Connection(ComponentContext c)
    {
        var b = new NpgsqlConnectionStringBuilder();
        if (c.Optional("connectionString") is { } text)
        {
            var pairs = text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                ? FromUrl(c, text)
                : FromKeywords(c, text);
            foreach (var (key, value) in pairs)
                Apply(c, b, key, value);
        }
        else
        {
            foreach (var field in (string[])["host", "hostaddr", "port", "database", "user", "password"])
            {
                if (c.Optional(field) is { } v)
                    Apply(c, b, field, v);
            }
            if (string.IsNullOrEmpty(b.Host))
                c.Required("connectionString");
        }
        b.Host ??= "localhost";
        return b;
    }

    /// <summary>libpq's <c>key=value key='quoted value'</c> form.</summary>
    private static IEnumerable<(string, string)> FromKeywords(ComponentContext c, string text)
    {
        foreach (Match m in KeywordPair().Matches(text))
        {
            var value = m.Groups["q"].Success ? m.Groups["q"].Value.Replace("\\'", "'", StringComparison.Ordinal) : m.Groups["v"].Value;
            yield return (m.Groups["k"].Value, value);
        }
        if (!KeywordPair().IsMatch(text))
            throw c.Invalid("connectionString", "is neither libpq's key=value form nor a postgres:// URL");
    }

    [GeneratedRegex(@"(?<k>[A-Za-z_]+)\s*=\s*(?:'(?<q>(?:[^'\\]|\\.)*)'|(?<v>[^\s]*))", RegexOptions.CultureInvariant)]
    private static partial Regex KeywordPair();

    private static IEnumerable<(string, string)> FromUrl(ComponentContext c, string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            throw c.Invalid("connectionString", "is not a valid postgres:// URL");
        var list = new List<(string, string)> { ("host", uri.Host) };
        if (uri.Port > 0)
            list.Add(("port", uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (uri.AbsolutePath.Trim('/') is { Length: > 0 } db)
            list.Add(("dbname", Uri.UnescapeDataString(db)));
        if (uri.UserInfo.Split(':', 2) is [var user, .. var rest] && user.Length > 0)
        {
            list.Add(("user", Uri.UnescapeDataString(user)));
            if (rest is [var password])
                list.Add(("password", Uri.UnescapeDataString(password)));
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            list.Add((Uri.UnescapeDataString(kv[0]), kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : ""));
        }
        return list;
    }

    /// <summary>One libpq / pgx parameter onto Npgsql's builder; one it cannot honour is named.</summary>
    private static void Apply(ComponentContext c, NpgsqlConnectionStringBuilder b, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "host" or "hostaddr": b.Host = value; break;
            case "port": b.Port = int.TryParse(value, out var port) ? port : throw c.Invalid("connectionString", $"port '{value}' is not a number"); break;
            case "dbname" or "database": b.Database = value; break;
            case "user": b.Username = value; break;
            case "password": b.Password = value; break;
            case "connect_timeout": break; // bounded by the component's timeout
            case "application_name": b.ApplicationName = value; break;
            case "search_path": b.SearchPath = value; break;
            case "pool_max_conns": b.MaxPoolSize = int.TryParse(value, out var max) ? max : b.MaxPoolSize; break;
            case "sslmode":
                b.SslMode = value switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw c.Invalid("connectionString", $"unknown sslmode '{value}'"),
                };
                break;
            case "sslrootcert": b.RootCertificate = value; break;
            default: throw c.Invalid("connectionString", $"parameter '{key}' is not supported by the dev sidecar");
        }
    }
}
