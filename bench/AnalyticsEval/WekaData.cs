using System.Diagnostics;

namespace ShopDapr.AnalyticsEval;

/// <summary>
/// The two ARFF files, from Debian's <c>weka</c> package: <c>apt-get download weka</c> into a temporary directory, the
/// .deb unpacked there with <c>dpkg-deb -x</c>. Nothing is kept once the run ends.
/// </summary>
public sealed record WekaData(string Package, string CreditG, string Supermarket)
{
    public static async Task<WekaData> FetchAsync(string directory, Action<string> progress)
    {
        progress("apt-get download weka");
        await RunAsync("apt-get", ["download", "weka"], directory);
        var deb = Directory.GetFiles(directory, "weka_*.deb").Single();
        progress($"dpkg-deb -x {Path.GetFileName(deb)}");
        var unpacked = Path.Combine(directory, "x");
        await RunAsync("dpkg-deb", ["-x", deb, unpacked], directory);
        string Find(string name) => Directory.GetFiles(unpacked, name + "*", SearchOption.AllDirectories).Single(f => !f.EndsWith(".gz", StringComparison.Ordinal))
            ?? throw new FileNotFoundException($"{name} is not in {deb}.");
        return new WekaData(Path.GetFileNameWithoutExtension(deb), Find("credit-g.arff"), Find("supermarket.arff"));
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static async Task RunAsync(string file, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}");
    }
}
