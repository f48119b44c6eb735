using System.Net.Sockets;

namespace ShopDapr.DevSidecar.Cli;

/// <summary>Waits for an app to take calls: its port accepts a connection, or its <c>appHealthCheckPath</c> answers 2xx.</summary>
public static class AppReadiness
{
    public static async Task WaitAsync(RunApp app, Task appExited, CancellationToken cancellationToken)
    {
        if (app.AppPort is not { } port)
            return;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (!appExited.IsCompleted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await ReadyAsync(http, port, app.AppHealthCheckPath, cancellationToken))
                return;
            await Task.WhenAny(appExited, Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken));
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http, int port, string? healthPath, CancellationToken cancellationToken)
    {
        try
        {
            if (healthPath is null)
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port, cancellationToken);
                return true;
            }
            using var answer = await http.GetAsync($"http://127.0.0.1:{port}/{healthPath.TrimStart('/')}", cancellationToken);
            return answer.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is SocketException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false; // not listening yet
        }
    }
}
