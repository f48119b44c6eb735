using System.ComponentModel.DataAnnotations;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Notifications;

/// <summary>How e-mails are addressed and handed to the <c>mail</c> output binding.</summary>
public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>The sender of every e-mail.</summary>
    [Required]
    public string From { get; set; } = "ShopDapr <orders@shopdapr.local>";

    /// <summary>
    /// What the binding receives as data: <see cref="MailBody.Mime"/>, a whole RFC 5322 message with a text and an HTML part
    /// (for <c>bindings.localstorage</c>: one readable .eml file per e-mail), or <see cref="MailBody.Html"/>, the HTML part
    /// alone (for <c>bindings.smtp</c>, which takes the body as data and the headers as metadata).
    /// </summary>
    public MailBody Body { get; set; } = MailBody.Mime;

    /// <summary>How long the de-duplication record of an event is kept (state TTL).</summary>
    [TimeSpanRange("00:01:00", "365.00:00:00")]
    public TimeSpan DedupeFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long an event's marker may stay <c>Sending</c> before a redelivery takes it over and sends: longer than any
    /// send takes, shorter than a broker's redelivery after a crash (pubsub.redis: processingTimeout, 60 s by default).
    /// </summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan ClaimAfter { get; set; } = TimeSpan.FromSeconds(30);
}

public enum MailBody { Mime, Html }
