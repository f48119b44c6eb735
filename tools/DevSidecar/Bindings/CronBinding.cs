using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Bindings;

/// <summary>
/// <c>bindings.cron</c>: an input binding that calls its app's <c>POST /{name}</c> on its <c>schedule</c>.
/// One per app (never shared), started and stopped with its sidecar by <see cref="CronBindingService"/>.
/// </summary>
public sealed class CronBinding
{
    public CronBinding(ComponentContext context)
    {
        Name = context.Name;
        Schedule = context.Optional("schedule") ?? throw context.Invalid("schedule", $"schedule not set (component '{context.Name}')");
        Parsed = CronSchedule.TryParse(Schedule, out var parsed, out var error)
            ? parsed
            : throw context.Invalid("schedule", $"invalid schedule format '{Schedule}': {error}");
    }

    public string Name { get; }

    public string Schedule { get; }

    public CronSchedule Parsed { get; }
}
