using System.Text;

namespace ShopDapr.DevSidecar.Tests.Cli;

/// <summary>A TextWriter that a test may read while the command still writes to it.</summary>
public sealed class LinesWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_gate)
                return _text.ToString();
        }
    }

    public IReadOnlyList<string> Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    public override void Write(char value)
    {
        lock (_gate)
            _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_gate)
            _text.Append(value);
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
            _text.Append(value).Append('\n');
    }
}
