using Microsoft.AspNetCore.Authorization;
using ShopDapr.Keys.Api;
using ShopDapr.Keys.Infrastructure;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Keys;

public static class KeysServices
{
    public static IHostApplicationBuilder AddKeysServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<KeysOptions>(KeysOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IMasterKey, DaprMasterKey>();
        builder.Services.AddSingleton<KeysState>();
        builder.Services.AddSingleton<KeyStore>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<KeyService>();
        builder.Services.AddSingleton<KeyMaintenance>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyMaintenance>());
        builder.Services.AddSingleton<KeyProvisioning>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyProvisioning>());
        builder.Services.AddHealthChecks().AddCheck<KeysProvisionedHealthCheck>("keys-provisioned");
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditedAuthorization>();
        builder.Services.AddExceptionHandler<KeyRuleExceptionHandler>();
        builder.Services.AddExceptionHandler<KeysExceptionHandler>();
        return builder;
    }
}
