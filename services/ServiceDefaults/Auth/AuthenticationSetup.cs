using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.ServiceDefaults.Auth;

/// <summary>JWT bearer validation against identity's JWKS, the role policies, and the Dapr app API token scheme.</summary>
public static class AuthenticationSetup
{
    public static IServiceCollection AddShopAuthentication(this IServiceCollection services, string? appApiToken)
    {
        services.AddValidatedOptions<ShopAuthOptions>(ShopAuthOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IJwksHttpClientFactory, DaprJwksHttpClientFactory>();
        services.TryAddSingleton<JwksConfigurationManager>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();

        var authentication = services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        if (appApiToken is not null)
            authentication.AddDapr(o => o.Token = appApiToken);

        services.AddAuthorizationBuilder()
            .AddPolicy(ShopNames.Policies.Customer, p => p.RequireAuthenticatedUser().RequireRole(ShopNames.Roles.Customer))
            .AddPolicy(ShopNames.Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(ShopNames.Roles.Admin));
        // Fail closed: without an app API token no caller can prove it is the sidecar, so sidecar-only routes refuse everyone.
        if (appApiToken is not null)
            services.Configure<AuthorizationOptions>(o => o.AddDapr(ShopNames.Policies.DaprSidecar));
        else
            services.Configure<AuthorizationOptions>(o => o.AddPolicy(ShopNames.Policies.DaprSidecar, p => p.RequireAssertion(_ => false)));
        return services;
    }

    private sealed class ConfigureJwtBearer(IOptions<ShopAuthOptions> auth, JwksConfigurationManager keys) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
                return;
            var a = auth.Value;
            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = false;
            options.RefreshOnIssuerKeyNotFound = true;
            options.ConfigurationManager = keys;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = a.Issuer,
                ValidAudience = a.Audience,
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ClockSkew = a.ClockSkew,
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256],
                NameClaimType = ShopNames.ClaimTypes.Subject,
                RoleClaimType = ShopNames.ClaimTypes.Role,
            };
        }

        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
    }
}
