using Microsoft.Extensions.Logging.Abstractions;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.PubSub;

public static class PubSubComponents
{
    public static void Register(Action<ComponentCatalog.Entry> add)
    {
        add(new("pubsub.in-memory", "v1", c => new InMemoryPubSub(
            c, (c.Services.GetService(typeof(ILoggerFactory)) as ILoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<InMemoryPubSub>())));
        add(new("pubsub.redis", "v1", c => new RedisPubSub(
            c, (c.Services.GetService(typeof(ILoggerFactory)) as ILoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisPubSub>())));
        add(new("pubsub.rabbitmq", "v1", c => new RabbitMqPubSub(
            c, (c.Services.GetService(typeof(ILoggerFactory)) as ILoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RabbitMqPubSub>())));
    }
}
