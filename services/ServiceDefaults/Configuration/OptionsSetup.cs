using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ShopDapr.ServiceDefaults.Configuration;

public static class OptionsSetup
{
    /// <summary>Typed options bound from <paramref name="section"/>, validated by data annotations at start-up.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
