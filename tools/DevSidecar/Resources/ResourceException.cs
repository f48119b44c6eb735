namespace ShopDapr.DevSidecar.Resources;

/// <summary>A resource or run file that cannot be used: names the file and the field so start-up stops with a fix in hand.</summary>
public sealed class ResourceException(string file, string field, string problem)
    : Exception($"{file}: {field}: {problem}")
{
    public string File { get; } = file;
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}
