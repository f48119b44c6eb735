using Microsoft.AspNetCore.Identity;
using ShopDapr.Identity.Tokens;
using ShopDapr.Identity.Users;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Identity;

public static class IdentityServices
{
    public static IHostApplicationBuilder AddIdentityServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<IdentityOptions>(IdentityOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<LoginAttemptStore>();
        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddSingleton<ITokenSigner, SecretStoreTokenSigner>();
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddHostedService<AdminSeeder>();
        builder.Services.AddSingleton<AdminReadiness>();
        builder.Services.AddHealthChecks().AddCheck<AdminReadiness>("admin-seeded");
        return builder;
    }
}
