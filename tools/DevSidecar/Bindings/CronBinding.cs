using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Bindings;

/// <summary>
/// <c>bindings.cron</c>: an input binding that calls its app's <c>POST /{route}</c> (the component name unless the
/// <c>route</c> metadata says otherwise) on its <c>schedule</c>.
/// One per app (never shared), started and stopped with its sidecar by <see cref="CronBindingService"/>.
/// </summary>
public sealed class CronBinding
{
    public CronBinding(ComponentContext context)
    {
        Name = context.Name;
        Route = "/" + (context.Optional("route") ?? context.Name).TrimStart('/');
        // daprd skips its OPTIONS probe when the component says it is an input binding.
        ExplicitInput = (context.Optional("direction") ?? "").Split(',').Any(d => d.Trim().Equals("input", StringComparison.OrdinalIgnoreCase));
        Schedule = context.Optional("schedule") ?? throw context.Invalid("schedule", $"schedule not set (component '{context.Name}')");
        Parsed = CronSchedule.TryParse(Schedule, out var parsed, out var error)
            ? parsed
            : throw context.Invalid("schedule", $"invalid schedule format '{Schedule}': {error}");
    }

    public string Name { get; }

    public string Route { get; }

    public bool ExplicitInput { get; }

    public string Schedule { get; }

    public CronSchedule Parsed { get; }
}
