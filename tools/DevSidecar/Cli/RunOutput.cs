namespace ShopDapr.DevSidecar.Cli;

/// <summary>The console of a run: whole lines only, one writer at a time, so the lines of several apps never interleave mid-line.</summary>
public sealed class RunOutput(TextWriter output, TextWriter error)
{
    private readonly Lock _gate = new();

    public void Line(string line)
    {
        lock (_gate)
            output.WriteLine(line);
    }

    public void Error(string line)
    {
        lock (_gate)
            error.WriteLine(line);
    }
}

/// <summary>
/// Where one stream of an app's lines goes, as the dapr CLI's log destinations: the console with a prefix
/// (<c>== APP - catalog == </c>), a file under <c>&lt;appDirPath&gt;/.dapr/logs</c>, or both.
/// </summary>
public sealed class LineSink : IDisposable
{
    private readonly RunOutput? _console;
    private readonly string _prefix;
    private readonly StreamWriter? _file;
    private readonly Lock _gate = new();

    public LineSink(RunOutput console, string prefix, LogDestination destination, string logsDir, string fileName)
    {
        _prefix = prefix;
        if (destination != LogDestination.File)
            _console = console;
        if (destination != LogDestination.Console)
        {
            Directory.CreateDirectory(logsDir);
            FilePath = Path.Combine(logsDir, fileName);
            _file = new StreamWriter(FilePath, append: false) { AutoFlush = true };
        }
    }

    public string? FilePath { get; }

    public void Line(string line)
    {
        _console?.Line(_prefix + line);
        if (_file is null)
            return;
        lock (_gate)
            _file.WriteLine(line);
    }

    public void Dispose()
    {
        lock (_gate)
            _file?.Dispose();
    }
}

/// <summary>Sends a sidecar's log lines to its app's daprd sink, one line per entry.</summary>
public sealed class LineSinkLoggerProvider(LineSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(sink, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LineSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var level = logLevel switch
            {
                LogLevel.Trace or LogLevel.Debug => "debug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warning",
                _ => "error",
            };
            sink.Line($"level={level} scope={category} msg=\"{formatter(state, exception)}\"{(exception is null ? "" : $" error=\"{exception.Message}\"")}");
        }
    }
}
