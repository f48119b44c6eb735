using Dapr.Client;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ShopDapr.Identity.Tokens;
using ShopDapr.Identity.Users;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Identity;

public static class IdentityServices
{
    public static IHostApplicationBuilder AddIdentityServices(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddValidatedOptions<IdentityOptions>(IdentityOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<LoginAttemptStore>();
        builder.Services.AddSingleton<AccountService>();
        var signing = builder.Configuration.GetValue($"{IdentityOptions.Section}:{nameof(IdentityOptions.TokenSigning)}", TokenSigning.Keys);
        if (signing == TokenSigning.SecretStore)
            builder.Services.AddSingleton<ITokenSigner, SecretStoreTokenSigner>();
        else
            // keys through the sidecar: http://keys/... becomes {sidecar}/v1.0/invoke/keys/method/...
            builder.Services.AddSingleton<ITokenSigner>(sp => new KeysTokenSigner(
                DaprClient.CreateInvokeHttpClient(ShopNames.AppIds.Keys, DaprEndpoints.Http(configuration), DaprEndpoints.ApiToken(configuration)),
                sp.GetRequiredService<IOptions<IdentityOptions>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddHostedService<AdminSeeder>();
        builder.Services.AddSingleton<AdminReadiness>();
        builder.Services.AddHealthChecks().AddCheck<AdminReadiness>("admin-seeded");
        builder.Services.AddExceptionHandler<Api.IdentityExceptionHandler>();
        return builder;
    }
}
