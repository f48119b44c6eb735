using Microsoft.Extensions.DependencyInjection;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.State;

public static class StateComponents
{
    public static void Register(Action<ComponentCatalog.Entry> add)
    {
        add(new("state.in-memory", "v1", c => new InMemoryStateStore(c, c.Services.GetRequiredService<TimeProvider>())));
        add(new("state.sqlite", "v1", c => new SqliteStateStore(c, c.Services.GetRequiredService<TimeProvider>()),
            SharedAs: c => SqliteStateOptions.Read(c).FilePath ?? ":memory:"));
        add(new("state.postgresql", "v1", c => new PostgresStateStore(c, c.Services.GetRequiredService<TimeProvider>())));
        add(new("state.redis", "v1", c => new RedisStateStore(c, c.Services.GetRequiredService<TimeProvider>())));
    }
}
