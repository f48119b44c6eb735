using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Web.KeyRing.Tests;

/// <summary>
/// One replica of the web app in-process, on its real DaprClient, against a shared <see cref="WebSidecar"/>: what a
/// pod of the web Deployment is, with the other pods behind the same sidecar store.
/// </summary>
public sealed class WebReplica : ShopAppFactory<Program>
{
    public WebReplica(WebSidecar sidecar)
    {
        foreach (var (key, value) in sidecar.Dapr.AppSettings)
            Settings[key] = value;
        Settings["Web:RingCryptoName"] = WebSidecar.KeyName;
    }

    /// <summary>A client that keeps no cookies of its own and follows no redirect: a test passes the cookies it means to.</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>The sign-in form as this replica renders it: its antiforgery field and the cookie that goes with it.</summary>
    public async Task<RenderedForm> RenderFormAsync(CancellationToken cancellationToken)
    {
        using var client = Browser();
        using var response = await client.GetAsync("/account/signin", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(cancellationToken);
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        Assert.True(token.Success, "the sign-in page carries no antiforgery field");
        var cookies = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        return new RenderedForm(token.Groups[1].Value, string.Join("; ", cookies));
    }

    /// <summary>Posts the sign-out form with <paramref name="form"/>'s token and cookie: 302 when accepted, 400 when its antiforgery check fails.</summary>
    public async Task<HttpStatusCode> PostSignOutAsync(RenderedForm form, CancellationToken cancellationToken)
    {
        using var client = Browser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/signout")
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", form.Token)]),
        };
        request.Headers.Add("Cookie", form.Cookies);
        using var response = await client.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }
}

/// <summary>A form's antiforgery token and the cookies its page set.</summary>
public sealed record RenderedForm(string Token, string Cookies);

/// <summary>
/// The web app's sidecar: a real dev sidecar (app id <c>web</c>) with a <c>state.sqlite</c> store and the
/// <c>crypto-web</c> component (<c>crypto.dapr.localstorage</c> holding an RSA key, as components/local does).
/// </summary>
public sealed class WebSidecar : IAsyncDisposable
{
    public const string KeyName = "web-data-protection.pem";

    /// <summary>One RSA 3072 key for the test run (a key per test would cost more than the tests).</summary>
    private static readonly Lazy<string> KeyPem = new(() =>
    {
        using var rsa = System.Security.Cryptography.RSA.Create(3072);
        return rsa.ExportPkcs8PrivateKeyPem();
    });

    private readonly DirectoryInfo _keyFolder;

    private WebSidecar(DevDapr dapr, DirectoryInfo keyFolder) => (Dapr, _keyFolder) = (dapr, keyFolder);

    public DevDapr Dapr { get; }

    public static async Task<WebSidecar> StartAsync(CancellationToken cancellationToken)
    {
        var keyFolder = Directory.CreateTempSubdirectory("web-crypto-");
        await File.WriteAllTextAsync(Path.Combine(keyFolder.FullName, KeyName), KeyPem.Value, cancellationToken);
        var crypto = DevDapr.Component(ShopNames.Components.WebCrypto, "crypto.dapr.localstorage", ("path", keyFolder.FullName));
        var dapr = await DevDapr.StartAsync(ShopNames.AppIds.Web, cancellationToken, apiToken: ShopAppFactory<Program>.DefaultDaprApiToken,
            resources: new Dictionary<string, string> { ["crypto-web.yaml"] = crypto });
        return new WebSidecar(dapr, keyFolder);
    }

    public async ValueTask DisposeAsync()
    {
        await Dapr.DisposeAsync();
        _keyFolder.Delete(recursive: true);
    }
}
