using System.Net;
using System.Net.Sockets;

namespace ShopDapr.DevSidecar.Tests.MetadataApi;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Http_shutdown_answers_204_then_stops_the_sidecar()
    {
        await using var dapr = await TestSidecar.StartAsync(new Dictionary<string, string>(), "orders");
        var cluster = dapr.Sidecar.Context.Cluster;
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };

        using var response = await http.PostAsync("/v1.0/shutdown", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(dapr.Sidecar.Context.ShutdownRequested.IsCancellationRequested);
        await StoppedAsync(dapr, cluster);
    }

    [Fact]
    public async Task Sdk_ShutdownSidecarAsync_stops_the_sidecar()
    {
        await using var dapr = await TestSidecar.StartAsync(new Dictionary<string, string>(), "orders");
        var cluster = dapr.Sidecar.Context.Cluster;

        await dapr.Client.ShutdownSidecarAsync(TestContext.Current.CancellationToken);

        await StoppedAsync(dapr, cluster);
    }

    /// <summary>Waits (with a deadline) until the sidecar left the cluster and its HTTP port refuses connections.</summary>
    private static async Task StoppedAsync(TestSidecar dapr, ShopDapr.DevSidecar.Hosting.SidecarCluster cluster)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };
        while (true)
        {
            deadline.Token.ThrowIfCancellationRequested();
            if (cluster.Replicas("orders").IsEmpty)
            {
                try
                {
                    (await http.GetAsync("/v1.0/healthz", deadline.Token)).Dispose();
                }
                catch (HttpRequestException e) when (e.InnerException is SocketException)
                {
                    return;
                }
            }
            await Task.Delay(50, deadline.Token);
        }
    }
}
