using System.Text;
using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.Notifications.Emails;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Notifications.Infrastructure;

/// <summary>
/// Hands an e-mail to the <c>mail</c> output binding (operation <c>create</c>). Metadata carries what each binding reads:
/// <c>fileName</c> (bindings.localstorage) and <c>emailTo</c>/<c>emailFrom</c>/<c>subject</c> (bindings.smtp); each ignores the others.
/// </summary>
public sealed class MailSender(DaprClient dapr, IOptions<NotificationsOptions> options, TimeProvider time)
{
    private readonly NotificationsOptions _options = options.Value;

    public async Task SendAsync(EmailMessage message, string fileName, Guid messageId, CancellationToken cancellationToken)
    {
        var body = _options.Body == MailBody.Html
            ? message.Html
            : MimeMessage.Render(_options.From, message, messageId, time.GetUtcNow());
        var request = new BindingRequest(ShopNames.Components.Mail, "create") { Data = Encoding.UTF8.GetBytes(body) };
        request.Metadata["fileName"] = fileName;
        request.Metadata["emailTo"] = message.To;
        request.Metadata["emailFrom"] = _options.From;
        request.Metadata["subject"] = message.Subject;
        await dapr.InvokeBindingAsync(request, cancellationToken);
    }
}
