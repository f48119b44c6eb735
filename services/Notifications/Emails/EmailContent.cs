namespace ShopDapr.Notifications.Emails;

/// <summary>
/// One e-mail as plain text pieces. Templates fill it with raw values; only <see cref="EmailLayout"/> turns it into text
/// and HTML, encoding every value for HTML, so no template can forget to.
/// </summary>
public sealed record EmailContent(string Subject, string Heading, IReadOnlyList<string> Paragraphs)
{
    /// <summary>Optional table (header row first), e.g. the order lines.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Table { get; init; }

    /// <summary>Label/value pairs shown after the paragraphs (order number, tracking number, total …).</summary>
    public IReadOnlyList<(string Label, string Value)> Facts { get; init; } = [];
}

/// <summary>A rendered e-mail, ready for the mail binding.</summary>
public sealed record EmailMessage(string To, string Subject, string Text, string Html);
