namespace ShopDapr.DevSidecar;

/// <summary>
/// The entry point, in the tool's own namespace rather than top-level statements: a global <c>Program</c> here would
/// collide with each service's own <c>Program</c> in every test project that references both.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => Cli.DevSidecarCommand.RunAsync(args);
}
