using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// <c>crypto.dapr.localstorage</c>: keys are files in the folder <c>path</c> (a relative path resolves against the
/// sidecar's working directory, as daprd's), the file name is the key name. A file is read on every use, so a key
/// replaced on disk takes effect at once; <c>.json</c> is a JWK, <c>.pem</c> PEM, anything else is guessed
/// (<see cref="KeyParser"/>). A key name with <c>..</c> is refused, and a rooted one still names a file in the folder.
/// </summary>
internal sealed class LocalStorageCrypto : ICryptoProvider
{
    private readonly string _path;

    public LocalStorageCrypto(ComponentContext context)
    {
        context.RejectUnknown(["path"]);
        var configured = context.Required("path");
        _path = context.FullPath(configured);
        if (File.Exists(_path))
            throw context.Invalid("path", $"path '{configured}' is not a directory (resolved to {_path})");
        if (!Directory.Exists(_path))
            throw context.Invalid("path", $"could not stat path '{configured}': no such directory (resolved to {_path}; relative paths resolve against the sidecar's working directory, {context.WorkingDirectory})");
    }

    public async Task<CryptoKey> GetKeyAsync(string name, CancellationToken cancellationToken)
    {
        if (name.Contains("..", StringComparison.Ordinal))
            throw new KeyException("invalid key path: cannot contain '..'");
        // Joined as Go's filepath.Join: a rooted name stays under the folder (Path.Combine would drop the folder).
        var file = Path.Join(_path, name);
        byte[] data;
        try
        {
            data = await File.ReadAllBytesAsync(file, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file or directory" : e.Message;
            throw new KeyException($"failed to load key '{name}': open {file}: {why}", e);
        }
        var contentType = Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".json" => KeyParser.Json,
            ".pem" => KeyParser.Pem,
            _ => null,
        };
        try
        {
            return KeyParser.Parse(data, contentType);
        }
        catch (KeyException e)
        {
            throw new KeyException($"failed to parse key from secret: {e.Message}", e);
        }
    }
}
