using System.Text.Json;
using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.Output;

/// <summary><c>--json path</c>: the run's results as JSON (camelCase), for scripts that take medians over runs.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Serialize(RunResults results) => JsonSerializer.Serialize(results, Options);

    public static RunResults? Deserialize(string json) => JsonSerializer.Deserialize<RunResults>(json, Options);

    public static async Task WriteAsync(string path, RunResults results, TextWriter stdout, CancellationToken ct)
    {
        if (path == "-")
            await stdout.WriteLineAsync(Serialize(results).AsMemory(), ct);
        else
            await File.WriteAllTextAsync(path, Serialize(results), ct);
    }
}
