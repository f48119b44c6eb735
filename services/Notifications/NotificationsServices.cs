using ShopDapr.Notifications.Infrastructure;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Notifications;

public static class NotificationsServices
{
    public static IHostApplicationBuilder AddNotificationsServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<NotificationsOptions>(NotificationsOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DedupeStore>();
        builder.Services.AddSingleton<MailSender>();
        builder.Services.AddSingleton<Notifier>();
        return builder;
    }
}
