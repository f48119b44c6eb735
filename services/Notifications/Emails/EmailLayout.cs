using System.Net;
using System.Text;

namespace ShopDapr.Notifications.Emails;

/// <summary>Turns <see cref="EmailContent"/> into the text and HTML bodies; every value is HTML-encoded in the HTML one.</summary>
public static class EmailLayout
{
    public static EmailMessage Render(string to, EmailContent content)
    {
        var text = new StringBuilder();
        text.Append(content.Heading).Append("\n\n");
        foreach (var p in content.Paragraphs)
            text.Append(p).Append("\n\n");
        if (content.Table is { Count: > 0 } table)
        {
            foreach (var row in table)
                text.Append(string.Join(" | ", row)).Append('\n');
            text.Append('\n');
        }
        foreach (var (label, value) in content.Facts)
            text.Append(label).Append(": ").Append(value).Append('\n');
        text.Append("\n-- \nShopDapr\n");

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(E(content.Subject)).Append("</title></head>\n<body>\n");
        html.Append("<h1>").Append(E(content.Heading)).Append("</h1>\n");
        foreach (var p in content.Paragraphs)
            html.Append("<p>").Append(E(p)).Append("</p>\n");
        if (content.Table is { Count: > 0 } rows)
        {
            html.Append("<table>\n<tr>").AppendJoin("", rows[0].Select(h => $"<th>{E(h)}</th>")).Append("</tr>\n");
            foreach (var row in rows.Skip(1))
                html.Append("<tr>").AppendJoin("", row.Select(c => $"<td>{E(c)}</td>")).Append("</tr>\n");
            html.Append("</table>\n");
        }
        if (content.Facts.Count > 0)
        {
            html.Append("<dl>\n");
            foreach (var (label, value) in content.Facts)
                html.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");
            html.Append("</dl>\n");
        }
        html.Append("<p>&mdash; ShopDapr</p>\n</body></html>\n");
        return new EmailMessage(to, content.Subject, text.ToString(), html.ToString());
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
