extern alias keysapp;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Identity.Tests;

/// <summary>The keys app in process, its state and master key behind a dev sidecar of its own, as Keys.Tests run it.</summary>
internal sealed class KeysApp : ShopAppFactory<keysapp::Program>
{
    private readonly DevDapr _dapr;
    private readonly DirectoryInfo _keyFolder;
    private HttpClient? _admin;

    private KeysApp(DevDapr dapr, DirectoryInfo keyFolder, Action<IServiceCollection>? services)
    {
        ConfigureServices = services;
        _dapr = dapr;
        _keyFolder = keyFolder;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
    }

    /// <param name="services">Replacements in the app's services (a clock), after the factory's own.</param>
    public static async Task<KeysApp> StartAsync(CancellationToken cancellationToken, Action<IServiceCollection>? services = null)
    {
        var keyFolder = Directory.CreateTempSubdirectory("keys-master-");
        using (var rsa = System.Security.Cryptography.RSA.Create(3072))
            await File.WriteAllTextAsync(Path.Combine(keyFolder.FullName, "keys-master.pem"), rsa.ExportPkcs8PrivateKeyPem(), cancellationToken);
        var crypto = DevDapr.Component(ShopNames.Components.Crypto, "crypto.dapr.localstorage", ("path", keyFolder.FullName));
        var dapr = await DevDapr.StartAsync(ShopNames.AppIds.Keys, cancellationToken, apiToken: DefaultDaprApiToken,
            resources: new Dictionary<string, string> { ["crypto.yaml"] = crypto });
        return new KeysApp(dapr, keyFolder, services);
    }

    public HttpClient Admin() => _admin ??= ClientWith(Tokens.Admin());

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dapr.DisposeAsync();
        _keyFolder.Delete(recursive: true);
    }
}
