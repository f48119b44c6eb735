using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ShopDapr.DevSidecar.Tests.Actors;

/// <summary>
/// An actor host written against the wire protocol alone and taking no locks of its own (as apps in languages whose SDKs
/// rely on daprd's turn lock): whatever serializes its calls is the sidecar. Records every turn's start and end.
/// </summary>
public sealed class RawActorApp : IAsyncDisposable
{
    public const string Type = "RawActor";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _inside = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private int _maxInside;
    private int _maxAcrossActors;
    private int _allInside;

    private RawActorApp(WebApplication app) => _app = app;

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Where the app reaches its sidecar (set once the sidecar listens).</summary>
    public Uri? Sidecar { get; set; }

    public int MaxConcurrentTurnsPerActor => Volatile.Read(ref _maxInside);

    public int MaxConcurrentTurnsOverall => Volatile.Read(ref _maxAcrossActors);

    public ConcurrentQueue<(string ActorId, string Method, DateTimeOffset Start, DateTimeOffset End)> Turns { get; } = new();

    public ConcurrentQueue<string?> ReentrancyIds { get; } = new();

    /// <summary>Calls of method <c>flaky</c> per actor id: the first two fail with 500.</summary>
    public int Attempts(string actorId) => _attempts.GetValueOrDefault(actorId);

    public static async Task<RawActorApp> StartAsync(string configJson)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var raw = new RawActorApp(app);
        app.MapGet("/dapr/config", () => Results.Text(configJson, "application/json"));
        app.MapPut("/actors/{type}/{id}/method/{**method}", raw.HandleAsync);
        app.MapDelete("/actors/{type}/{id}", () => Results.Ok());
        await app.StartAsync();
        return raw;
    }

    private async Task<IResult> HandleAsync(HttpRequest request, string id, string method)
    {
        var reentrancyId = request.Headers["Dapr-Reentrancy-Id"].FirstOrDefault();
        ReentrancyIds.Enqueue(reentrancyId);
        var start = DateTimeOffset.UtcNow;
        Raise(ref _maxInside, _inside.AddOrUpdate(id, 1, (_, n) => n + 1));
        Raise(ref _maxAcrossActors, Interlocked.Increment(ref _allInside));
        try
        {
            if (method == "recurse")
                return await RecurseAsync(request, id, reentrancyId);
            if (method == "flaky")
                return _attempts.AddOrUpdate(id, 1, (_, n) => n + 1) <= 2 ? Results.Text("not yet", statusCode: 500) : Results.Text("done");
            await Task.Delay(method.StartsWith("timer/", StringComparison.Ordinal) ? 5 : 30);
            return Results.Ok();
        }
        finally
        {
            Interlocked.Decrement(ref _allInside);
            _inside.AddOrUpdate(id, 0, (_, n) => n - 1);
            Turns.Enqueue((id, method, start, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>Calls itself through the sidecar <c>depth</c> more times, passing on the reentrancy id; answers the innermost result.</summary>
    private async Task<IResult> RecurseAsync(HttpRequest request, string id, string? reentrancyId)
    {
        var depth = int.Parse(await new StreamReader(request.Body).ReadToEndAsync(), System.Globalization.CultureInfo.InvariantCulture);
        if (depth == 0)
            return Results.Text("bottom");
        // Without reentrancy the inner call waits for the turn its own caller holds, so it must give up (1.5 s); with it,
        // the inner call enters, and only a loaded machine makes it slow: time enough not to fail for that.
        using var http = new HttpClient { BaseAddress = Sidecar, Timeout = reentrancyId is null ? TimeSpan.FromSeconds(1.5) : TimeSpan.FromSeconds(30) };
        using var inner = new HttpRequestMessage(HttpMethod.Put, $"v1.0/actors/{Type}/{id}/method/recurse") { Content = new StringContent($"{depth - 1}") };
        if (reentrancyId is not null)
            inner.Headers.Add("Dapr-Reentrancy-Id", reentrancyId);
        try
        {
            using var response = await http.SendAsync(inner);
            return Results.Text(await response.Content.ReadAsStringAsync(), "application/json", statusCode: (int)response.StatusCode);
        }
        catch (TaskCanceledException)
        {
            return Results.Text("timed out", statusCode: StatusCodes.Status504GatewayTimeout);
        }
    }

    private static void Raise(ref int max, int now)
    {
        int seen;
        while (now > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
