using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Bindings;

/// <summary>An in-process app (TestServer) that records every POST the sidecar makes to it and answers routed ones with a chosen status.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly ConcurrentQueue<(string Path, DateTimeOffset At)> _calls = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestApp(WebApplication web) => _web = web;

    public int Status { get; set; } = 200;

    public IReadOnlyCollection<(string Path, DateTimeOffset At)> Calls => _calls;

    public AppChannelOptions Channel => AppChannelOptions.FromHandler(_web.GetTestServer().CreateHandler());

    /// <summary>
    /// Serves POST on <paramref name="routes"/>, or on every path when none are given (OPTIONS then answers 405);
    /// OPTIONS on <paramref name="refuseOptions"/> answers 404.
    /// </summary>
    public static async Task<TestApp> StartAsync(string[]? routes = null, string[]? refuseOptions = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var web = builder.Build();
        var app = new TestApp(web);
        // Every POST is recorded, routed or not, so a test can also see calls that should never have been made.
        web.Use(async (context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method))
            {
                app._calls.Enqueue((context.Request.Path.Value!, DateTimeOffset.UtcNow));
                Interlocked.Exchange(ref app._changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
            await next(context);
        });
        IResult Answer() => Results.StatusCode(app.Status);
        foreach (var route in (routes ?? []).DefaultIfEmpty("/{**path}"))
            web.MapPost(route, Answer);
        foreach (var route in refuseOptions ?? [])
            web.MapMethods(route, ["OPTIONS"], () => Results.NotFound());
        await web.StartAsync();
        return app;
    }

    /// <summary>Waits until <paramref name="count"/> calls to <paramref name="path"/> arrived, or fails at the deadline.</summary>
    public async Task WaitForCallsAsync(string path, int count, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        while (_calls.Count(c => c.Path == path) < count)
        {
            var changed = _changed.Task;
            if (_calls.Count(c => c.Path == path) >= count)
                break;
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"expected {count} calls to {path} within {deadline}, got {_calls.Count(c => c.Path == path)}");
            }
        }
    }

    public async ValueTask DisposeAsync() => await _web.DisposeAsync();
}
