using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Resiliency;

public static class ResiliencyServices
{
    /// <summary>
    /// Reads the sidecar's Resiliency resources (those scoped to its app) now, while the sidecar starts, so a broken
    /// file stops start-up naming the file and field before any port opens; registers <see cref="IResiliencyPolicies"/>.
    /// </summary>
    public static IServiceCollection AddResiliency(this IServiceCollection services)
    {
        var context = services.LastOrDefault(d => d.ServiceType == typeof(SidecarContext))?.ImplementationInstance as SidecarContext
            ?? throw new InvalidOperationException("AddResiliency needs the SidecarContext registered first");
        var model = ResiliencyModel.Load(context.Resources.OfKind<ResiliencyResource>().Where(r => r.AppliesTo(context.AppId)));
        return services.AddSingleton<IResiliencyPolicies>(sp => new ResiliencyPolicies(
            model, context.Components, context.Cluster.Time, sp.GetRequiredService<ILoggerFactory>().CreateLogger("ShopDapr.DevSidecar.Resiliency")));
    }
}
