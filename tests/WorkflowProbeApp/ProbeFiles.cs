namespace ShopDapr.WorkflowProbeApp;

/// <summary>The files the test watches: a log with one line per activity event, and the gate the second activity waits for.</summary>
public sealed class ProbeFiles(string log, string gate)
{
    private readonly Lock _write = new();

    public static ProbeFiles FromConfiguration(IConfiguration configuration) =>
        new(configuration["PROBE_LOG"] ?? throw new InvalidOperationException("PROBE_LOG is not set"),
            configuration["PROBE_GATE"] ?? throw new InvalidOperationException("PROBE_GATE is not set"));

    /// <summary>Appends one line (with this process's id); the line is in the file when this returns.</summary>
    public void Record(string line)
    {
        lock (_write)
            File.AppendAllText(log, $"{line} pid={Environment.ProcessId}\n");
    }

    /// <summary>Returns once the gate file exists.</summary>
    public async Task GateAsync(CancellationToken cancellationToken)
    {
        while (!File.Exists(gate))
            await Task.Delay(25, cancellationToken);
    }
}
