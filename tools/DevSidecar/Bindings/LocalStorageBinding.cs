using System.Text;
using System.Text.Json;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Bindings;

/// <summary>
/// <c>bindings.localstorage</c>, as components-contrib's: files under <c>rootPath</c>, named by the <c>fileName</c>
/// request metadata; operations create (a UUID name when none is given; answers <c>{"fileName": …}</c>), get, list
/// (absolute paths, recursive) and delete. A name that leads outside <c>rootPath</c> is refused.
/// </summary>
public sealed class LocalStorageBinding : IOutputBinding
{
    public const string FileNameMetadata = "fileName";

    private static readonly string[] DisallowedRoots = ["/proc", "/sys", "/boot", "/var/run/secrets"];

    private readonly string _root;

    public LocalStorageBinding(ComponentContext context)
    {
        // A relative rootPath resolves against the sidecar's working directory (the app's appDirPath under run -f), as daprd's.
        _root = Path.TrimEndingDirectorySeparator(context.FullPath(context.Required("rootPath")));
        if (DisallowedRoots.Any(d => _root == d || _root.StartsWith(d + "/", StringComparison.Ordinal)))
            throw context.Invalid("rootPath", "property rootPath points to a disallowed location");
        if (File.Exists(_root))
            throw context.Invalid("rootPath", "property rootPath represents a file and not a directory");
        try
        {
            Directory.CreateDirectory(_root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw context.Invalid("rootPath", $"unable to create directory specified by 'rootPath' {_root}: {e.Message}");
        }
    }

    public IReadOnlyList<string> Operations { get; } = ["create", "get", "list", "delete"];

    public async Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken)
    {
        var fileName = request.Metadata.GetValueOrDefault(FileNameMetadata) ?? "";
        if (fileName.Length == 0 && request.Operation == "create")
            fileName = Guid.NewGuid().ToString();
        return request.Operation switch
        {
            "create" => await CreateAsync(fileName, request.Data, cancellationToken),
            "get" => new BindingResponse(await File.ReadAllBytesAsync(ExistingFile(fileName), cancellationToken), Empty),
            "delete" => Delete(fileName),
            "list" => List(fileName),
            var op => throw new BindingRequestException($"unsupported operation {op}"),
        };
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private async Task<BindingResponse> CreateAsync(string fileName, byte[] data, CancellationToken cancellationToken)
    {
        var path = Resolve(fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Content(data), cancellationToken);
        var relative = Path.GetRelativePath(_root, path);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { [FileNameMetadata] = relative });
        return new BindingResponse(body, new Dictionary<string, string> { [FileNameMetadata] = relative });
    }

    private BindingResponse Delete(string fileName)
    {
        var path = ExistingFile(fileName);
        File.Delete(path);
        return new BindingResponse(null, Empty);
    }

    private BindingResponse List(string folder)
    {
        var path = Resolve(folder, allowRoot: true);
        if (!Directory.Exists(path))
            throw new IOException(File.Exists(path)
                ? $"unable to list files as the file specified is not a directory: {path}"
                : $"error getting stats for path {path}: no such file or directory");
        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        return new BindingResponse(JsonSerializer.SerializeToUtf8Bytes(files), Empty);
    }

    private string ExistingFile(string fileName)
    {
        var path = Resolve(fileName);
        return File.Exists(path) ? path : throw new FileNotFoundException($"file not found: {path}");
    }

    /// <summary>The full path of <paramref name="fileName"/> under the root; anything that leads elsewhere is the client's mistake.</summary>
    private string Resolve(string fileName, bool allowRoot = false)
    {
        if (fileName.Length == 0 && !allowRoot)
            throw new BindingRequestException($"the '{FileNameMetadata}' metadata is required");
        var full = Path.GetFullPath(Path.Combine(_root, fileName));
        if (full == _root ? !allowRoot : !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new BindingRequestException($"file name '{fileName}' leads outside the binding's rootPath");
        return full;
    }

    /// <summary>As contrib: a JSON string is unquoted, then base64 text is decoded; anything else is written as sent.</summary>
    private static byte[] Content(byte[] data)
    {
        var bytes = data;
        try
        {
            if (data.Length > 1 && data[0] == (byte)'"' && JsonSerializer.Deserialize<string>(data) is { } s)
                bytes = Encoding.UTF8.GetBytes(s);
        }
        catch (JsonException)
        {
            // Not a JSON string: kept as sent.
        }
        var text = Encoding.UTF8.GetString(bytes);
        var buffer = new byte[bytes.Length];
        return text.Length % 4 == 0 && !text.Any(char.IsWhiteSpace) && Convert.TryFromBase64String(text, buffer, out var written)
            ? buffer[..written]
            : bytes;
    }
}
