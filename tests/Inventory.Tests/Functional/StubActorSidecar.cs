using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ShopDapr.Inventory.Tests.Functional;

/// <summary>
/// The actor part of a sidecar's HTTP API, as the Dapr .NET SDK's actor proxy and state provider call it, on a loopback
/// port: method calls are forwarded to the app's <c>actors/...</c> routes one at a time per actor (the turn lock daprd
/// holds), actor state lives in a dictionary, reminders are recorded. It stands in until the dev sidecar serves actors;
/// it proves the app's side (remoting, activation, state and reminder calls), not the sidecar's.
/// </summary>
public sealed class StubActorSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new();

    private StubActorSidecar(WebApplication app) => _app = app;

    /// <summary>How the sidecar reaches the app (set once the app runs).</summary>
    public HttpClient? App { get; set; }

    /// <summary>"type||id||key" → JSON value.</summary>
    public ConcurrentDictionary<string, string> State { get; } = new();

    /// <summary>"type||id||name" → registration body.</summary>
    public ConcurrentDictionary<string, JsonNode?> Reminders { get; } = new();

    public Uri Endpoint => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<StubActorSidecar> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stub = new StubActorSidecar(app);
        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        app.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        app.MapPut("/v1.0/actors/{type}/{id}/method/{method}", stub.InvokeAsync);
        app.MapGet("/v1.0/actors/{type}/{id}/state/{key}", (string type, string id, string key) =>
            stub.State.TryGetValue($"{type}||{id}||{key}", out var json) ? Results.Content(json, "application/json") : Results.NoContent());
        app.MapPut("/v1.0/actors/{type}/{id}/state", stub.SaveStateAsync);
        app.MapMethods("/v1.0/actors/{type}/{id}/reminders/{name}", ["PUT", "POST"], async (HttpContext http, string type, string id, string name) =>
        {
            stub.Reminders[$"{type}||{id}||{name}"] = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            return Results.NoContent();
        });
        app.MapDelete("/v1.0/actors/{type}/{id}/reminders/{name}", (string type, string id, string name) =>
        {
            stub.Reminders.TryRemove($"{type}||{id}||{name}", out _);
            return Results.NoContent();
        });
        await app.StartAsync(cancellationToken);
        return stub;
    }

    private async Task InvokeAsync(HttpContext http, string type, string id, string method)
    {
        var app = App ?? throw new InvalidOperationException("The app is not connected yet.");
        var turn = _turns.GetOrAdd($"{type}||{id}", _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(http.RequestAborted);
        try
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body, http.RequestAborted);
            using var forward = new HttpRequestMessage(HttpMethod.Put, $"/actors/{type}/{id}/method/{method}") { Content = new ByteArrayContent(body.ToArray()) };
            foreach (var header in http.Request.Headers.Where(h => h.Key.StartsWith("X-Dapr", StringComparison.OrdinalIgnoreCase)))
                forward.Headers.TryAddWithoutValidation(header.Key, [.. header.Value]);
            using var answer = await app.SendAsync(forward, http.RequestAborted);
            http.Response.StatusCode = (int)answer.StatusCode;
            foreach (var header in answer.Headers.Where(h => h.Key.StartsWith("X-Dapr", StringComparison.OrdinalIgnoreCase)))
                http.Response.Headers[header.Key] = header.Value.ToArray();
            await http.Response.Body.WriteAsync(await answer.Content.ReadAsByteArrayAsync(http.RequestAborted), http.RequestAborted);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Fires a registered reminder as the sidecar does: <c>PUT actors/{type}/{id}/method/remind/{name}</c>, in the actor's turn.</summary>
    public async Task<HttpStatusCode> FireReminderAsync(string type, string id, string name, CancellationToken cancellationToken)
    {
        var app = App ?? throw new InvalidOperationException("The app is not connected yet.");
        var reminder = Reminders[$"{type}||{id}||{name}"];
        var turn = _turns.GetOrAdd($"{type}||{id}", _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellationToken);
        try
        {
            using var content = new StringContent(reminder?.ToJsonString() ?? "{}", System.Text.Encoding.UTF8, "application/json");
            using var answer = await app.PutAsync($"/actors/{type}/{id}/method/remind/{name}", content, cancellationToken);
            return answer.StatusCode;
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task<IResult> SaveStateAsync(HttpContext http, string type, string id)
    {
        var operations = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonArray
            ?? throw new InvalidOperationException("An actor state transaction is a JSON array.");
        foreach (var operation in operations)
        {
            var key = $"{type}||{id}||{operation!["request"]!["key"]!.GetValue<string>()}";
            if (operation["operation"]!.GetValue<string>() == "upsert")
                State[key] = operation["request"]!["value"]!.ToJsonString();
            else
                State.TryRemove(key, out _);
        }
        return Results.NoContent();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
