using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ShopDapr.Testing;

/// <summary>
/// An in-process app (TestServer) to stand behind a real dev sidecar as another service: records every call and
/// answers with <see cref="Respond"/> (default: 200 with the app's name).
/// </summary>
public sealed class RecordingApp : IAsyncDisposable
{
    private WebApplication _app = null!;

    private RecordingApp()
    {
    }

    public ConcurrentQueue<(string Method, string Path, IReadOnlyDictionary<string, string> Headers)> Received { get; } = new();

    /// <summary>
    /// The same calls with the query string and the app id the sidecar delivered them for (its <c>dapr-callee-app-id</c>
    /// header): for one recording app standing behind the sidecars of several app ids.
    /// </summary>
    public ConcurrentQueue<RecordedCall> Calls { get; } = new();

    /// <summary>(method, path) → (status, JSON body or null).</summary>
    public Func<string, string, (int Status, string? Json)> Respond { get; set; } = (_, _) => (200, """{"ok":true}""");

    /// <summary>When set, answers instead of <see cref="Respond"/>, knowing which app id the call was for.</summary>
    public Func<RecordedCall, (int Status, string? Json)>? RespondToCall { get; set; }

    public HttpMessageHandler CreateHandler() => _app.CreateHandler();

    public static async Task<RecordingApp> StartAsync(CancellationToken cancellationToken)
    {
        var recording = new RecordingApp();
        recording._app = await TestServerApp.StartAsync(app => app.Run(async http =>
        {
            var path = http.Request.Path.Value ?? "";
            var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            recording.Received.Enqueue((http.Request.Method, path, headers));
            var call = new RecordedCall(http.Request.Method, path + http.Request.QueryString, headers.GetValueOrDefault("dapr-callee-app-id", ""), headers);
            recording.Calls.Enqueue(call);
            var (status, json) = recording.RespondToCall is { } respond ? respond(call) : recording.Respond(http.Request.Method, path);
            http.Response.StatusCode = status;
            if (json is not null)
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(json, http.RequestAborted);
            }
        }), cancellationToken);
        return recording;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>One call a <see cref="RecordingApp"/> received: headers by lower-case name, several values joined by commas.</summary>
public sealed record RecordedCall(string Method, string PathAndQuery, string AppId, IReadOnlyDictionary<string, string> Headers);
