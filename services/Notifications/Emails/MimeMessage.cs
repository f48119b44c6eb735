using System.Globalization;
using System.Text;

namespace ShopDapr.Notifications.Emails;

/// <summary>
/// An RFC 5322 / MIME message (multipart/alternative: text, then HTML; UTF-8, 8bit) — what a local mail "drop" holds,
/// and what any mail client opens. Header values come from validated addresses and fixed subjects; a CR or LF in any of
/// them is refused rather than written (header injection).
/// </summary>
public static class MimeMessage
{
    public static string Render(string from, EmailMessage message, Guid messageId, DateTimeOffset date)
    {
        var boundary = $"=_shopdapr_{messageId:N}";
        var mime = new StringBuilder();
        Header(mime, "From", from);
        Header(mime, "To", message.To);
        Header(mime, "Subject", EncodeHeader(message.Subject));
        Header(mime, "Date", date.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture));
        Header(mime, "Message-ID", $"<{messageId:D}@shopdapr.local>");
        Header(mime, "MIME-Version", "1.0");
        Header(mime, "Content-Type", $"multipart/alternative; boundary=\"{boundary}\"");
        mime.Append("\r\n");
        Part(mime, boundary, "text/plain", message.Text);
        Part(mime, boundary, "text/html", message.Html);
        mime.Append("--").Append(boundary).Append("--\r\n");
        return mime.ToString();
    }

    private static void Header(StringBuilder mime, string name, string value)
    {
        if (value.Contains('\r') || value.Contains('\n'))
            throw new ArgumentException($"The {name} header may not contain a line break.", nameof(value));
        mime.Append(name).Append(": ").Append(value).Append("\r\n");
    }

    private static void Part(StringBuilder mime, string boundary, string type, string body)
    {
        mime.Append("--").Append(boundary).Append("\r\n");
        mime.Append("Content-Type: ").Append(type).Append("; charset=utf-8\r\n");
        mime.Append("Content-Transfer-Encoding: 8bit\r\n\r\n");
        mime.Append(body.ReplaceLineEndings("\r\n")).Append("\r\n");
    }

    /// <summary>RFC 2047 for a subject that is not plain ASCII.</summary>
    private static string EncodeHeader(string value) =>
        value.All(c => c is >= ' ' and <= '~')
            ? value
            : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";
}
