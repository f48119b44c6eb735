using System.Globalization;

namespace ShopDapr.LoadGen.Mail;

/// <summary>
/// <c>--mail-dir</c>: watches the folder the <c>mail</c> binding writes to (the run's <c>.data/mail</c>) and hands each
/// e-mail file — <c>{orderId}-{version}-{eventType}.eml</c>, services/Notifications' naming — with its write time to the
/// <see cref="MailLagTracker"/>. inotify (FileSystemWatcher) tells about new files as they appear, so a folder of hundreds
/// of thousands of files is never listed again; the folder is listed once at the start and again only if the watcher's
/// buffer overflowed.
/// </summary>
public sealed class MailFolder : IDisposable
{
    private readonly string _path;
    private readonly MailLagTracker _tracker;
    private readonly FileSystemWatcher _watcher;
    private long _rescans;

    public MailFolder(string path, MailLagTracker tracker)
    {
        _path = Path.GetFullPath(path);
        _tracker = tracker;
        Directory.CreateDirectory(_path);
        _watcher = new FileSystemWatcher(_path, "*.eml") { InternalBufferSize = 64 * 1024, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
        _watcher.Created += (_, e) => Seen(e.FullPath);
        _watcher.Renamed += (_, e) => Seen(e.FullPath);
        _watcher.Error += (_, _) => Rescan();
        _watcher.EnableRaisingEvents = true;
        Rescan();
    }

    public string Folder => _path;

    /// <summary>Times the folder was listed in full (once at the start, then once per watcher overflow).</summary>
    public long Rescans => Interlocked.Read(ref _rescans);

    /// <summary><c>{orderId}-{version}-{eventType}.eml</c> → order id and event type; false for any other name.</summary>
    public static bool TryParse(string fileName, out Guid orderId, out string eventType)
    {
        orderId = Guid.Empty;
        eventType = "";
        if (!fileName.EndsWith(".eml", StringComparison.Ordinal) || fileName.Length < 36 + 4 + 4)
            return false;
        var rest = fileName[36..^4];
        var dash = rest.IndexOf('-', 1);
        if (rest[0] != '-' || dash < 0 || !long.TryParse(rest[1..dash], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !Guid.TryParseExact(fileName[..36], "D", out orderId))
            return false;
        eventType = rest[(dash + 1)..];
        return eventType.Length > 0;
    }

    public void Dispose() => _watcher.Dispose();

    private void Rescan()
    {
        Interlocked.Increment(ref _rescans);
        foreach (var file in Directory.EnumerateFiles(_path, "*.eml"))
            Seen(file);
    }

    private void Seen(string fullPath)
    {
        if (!TryParse(Path.GetFileName(fullPath), out var orderId, out var eventType))
            return;
        var written = File.GetLastWriteTimeUtc(fullPath);
        if (written.Year > 1601) // the file is there (a missing one reads as 1601-01-01)
            _tracker.EmailWritten(orderId, eventType, new DateTimeOffset(written, TimeSpan.Zero));
    }
}
