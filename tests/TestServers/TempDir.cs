namespace ShopDapr.Testing.Servers;

/// <summary>A temporary folder removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("devsidecar-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a component being torn down; the OS temp cleaner takes it.
        }
    }
}
