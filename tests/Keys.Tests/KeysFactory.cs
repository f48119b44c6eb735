using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.Contracts.Keys;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Keys.Tests;

/// <summary>
/// The keys app in-process on a real DaprClient over a real dev sidecar (<see cref="DevDapr"/>: its state store is a
/// real SQLite file a test can dump), whose <c>crypto.dapr.localstorage</c> component holds the master key as an RSA PEM
/// file in <see cref="KeyFolder"/>, as components/local does. The client's wire carries hooks for what the sidecar cannot
/// do on demand: fail state transactions (the store is down) and hold them to line up a race.
/// </summary>
public sealed class KeysFactory : ShopAppFactory<Program>
{
    private int _transactionFailures;

    public const string MasterKeyName = "keys-master.pem";

    /// <summary>One RSA 3072 master key for the test run (generating one per test would cost more than the tests).</summary>
    private static readonly Lazy<string> MasterKeyPem = new(() =>
    {
        using var rsa = System.Security.Cryptography.RSA.Create(3072);
        return rsa.ExportPkcs8PrivateKeyPem();
    });

    private KeysFactory(DevDapr dapr, DirectoryInfo keyFolder)
    {
        KeyFolder = keyFolder;
        Dapr = dapr;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
        Settings["Keys:ProvisionOnStart"] = "false"; // each test creates the keys it uses (KeyProvisioningTests turn it on)
        var client = dapr.CreateClient(OnCallAsync);
        ConfigureServices = services =>
        {
            services.RemoveAll<DaprClient>().AddSingleton(client);
            ExtraServices?.Invoke(services);
        };
    }

    public static async Task<KeysFactory> StartAsync(CancellationToken cancellationToken, Action<IServiceCollection>? services = null)
    {
        var keyFolder = Directory.CreateTempSubdirectory("keys-master-");
        await File.WriteAllTextAsync(System.IO.Path.Combine(keyFolder.FullName, MasterKeyName), MasterKeyPem.Value, cancellationToken);
        var crypto = DevDapr.Component(ShopNames.Components.Crypto, "crypto.dapr.localstorage", ("path", keyFolder.FullName));
        var dapr = await DevDapr.StartAsync(ShopNames.AppIds.Keys, cancellationToken, apiToken: DefaultDaprApiToken,
            resources: new Dictionary<string, string> { ["crypto.yaml"] = crypto });
        return new KeysFactory(dapr, keyFolder) { ExtraServices = services };
    }

    public DevDapr Dapr { get; }

    /// <summary>The crypto component's folder: the master key file is <see cref="MasterKeyName"/>.</summary>
    public DirectoryInfo KeyFolder { get; }

    /// <summary>What the sidecar's master key unwraps <paramref name="wrapped"/> to (as the keys app would have it).</summary>
    public async Task<byte[]> UnwrapAsync(byte[] wrapped, CancellationToken cancellationToken)
    {
#pragma warning disable DAPR_CRYPTOGRAPHY // the SDK's cryptography API is experimental
        return (await Dapr.Client.DecryptAsync(ShopNames.Components.Crypto, wrapped, MasterKeyName, cancellationToken)).ToArray();
#pragma warning restore DAPR_CRYPTOGRAPHY
    }

    private Action<IServiceCollection>? ExtraServices { get; init; }

    /// <summary>Runs before each state transaction the app sends, before the sidecar sees it.</summary>
    public Func<Task>? BeforeTransaction { get; set; }

    /// <summary>The next <paramref name="count"/> state transactions fail before they reach the sidecar (the store is down).</summary>
    public void FailNextTransactions(int count) => Volatile.Write(ref _transactionFailures, count);

    private async Task OnCallAsync(string method, byte[] body)
    {
        if (method != "ExecuteStateTransaction")
            return;
        if (Interlocked.Decrement(ref _transactionFailures) >= 0)
            throw new HttpRequestException("injected: the state store is down");
        if (BeforeTransaction is { } hold)
            await hold();
    }

    private HttpClient? _admin;

    /// <summary>An admin's client, as the gateway forwards it (created once: starting the server is not thread-safe).</summary>
    public HttpClient Admin() => _admin ??= ClientWith(Tokens.Admin());

    /// <summary>A client calling as app <paramref name="appId"/>'s invocation arrives: through the sidecar, with the app API token and the caller's id.</summary>
    public HttpClient App(string appId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ShopNames.Headers.DaprCallerAppId, appId);
        return client;
    }

    public async Task<KeyView> CreateKeyAsync(string name, string type, CancellationToken cancellationToken, string? rotationPeriod = null)
    {
        var response = await Admin().PostAsJsonAsync(KeysRoutes.Admin, new { name, type, rotationPeriod }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<KeyView>(cancellationToken))!;
    }

    public async Task<T> PostOkAsync<T>(string path, object body, CancellationToken cancellationToken, HttpClient? client = null)
    {
        var response = await (client ?? Admin()).PostAsJsonAsync(path, body, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return (await response.Content.ReadFromJsonAsync<T>(cancellationToken))!;
    }

    public async Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken) =>
        (await Admin().GetFromJsonAsync<AuditVerification>($"{KeysRoutes.Admin}/audit/verify", cancellationToken))!;

    public async Task<IReadOnlyList<AuditEntryView>> AuditAsync(string query, CancellationToken cancellationToken) =>
        (await Admin().GetFromJsonAsync<JsonElement>($"{KeysRoutes.Admin}/audit{query}", cancellationToken))
            .GetProperty("items").Deserialize<List<AuditEntryView>>(JsonSerializerOptions.Web)!;

    public static string Path(string name, string operation) => $"{KeysRoutes.Admin}/{name}/{operation}";

    public static string B64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Dapr.DisposeAsync();
        KeyFolder.Delete(recursive: true);
    }
}
