using System.Collections.Immutable;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>
/// The queue of one app on one topic, as contrib declares it (dead-letter exchange and queue first when enabled), and
/// one consumer on its own channel while any handler of the app is joined. Each delivery goes to one handler
/// (round-robin over the replicas); its outcome is the ack or nack.
/// </summary>
internal sealed class RabbitMqConsumer(RabbitMqPubSub owner, string topic, string queue)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableArray<PubSubHandler> _handlers = [];
    private IChannel? _channel;
    private CancellationTokenSource? _consuming;
    private int _next;

    public async Task JoinAsync(PubSubHandler handler)
    {
        await _gate.WaitAsync();
        try
        {
            ImmutableInterlocked.Update(ref _handlers, h => h.Add(handler));
            _channel ??= await StartAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Leave(PubSubHandler handler)
    {
        ImmutableInterlocked.Update(ref _handlers, h => h.Remove(handler));
        if (_handlers.IsEmpty)
            _ = Task.Run(StopAsync); // what it had unacknowledged goes back to the queue
    }

    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_channel is null || !_handlers.IsEmpty && !owner.Closing.IsCancellationRequested)
                return;
            _consuming?.Cancel();
            try
            {
                await _channel.CloseAsync();
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException)
            {
                // the connection went first
            }
            _channel.Dispose();
            _channel = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IChannel> StartAsync()
    {
        var channel = await owner.Connection.CreateChannelAsync();
        await owner.DeclareExchangeAsync(channel, topic, CancellationToken.None);
        var args = new Dictionary<string, object?>();
        if (owner.EnableDeadLetter)
        {
            var dlx = $"dlx-{queue}";
            await channel.ExchangeDeclareAsync(dlx, ExchangeType.Fanout, durable: true, autoDelete: owner.DeleteWhenUnused);
            await channel.QueueDeclareAsync($"dlq-{queue}", durable: true, exclusive: false, autoDelete: owner.DeleteWhenUnused, arguments: LengthArgs([]));
            await channel.QueueBindAsync($"dlq-{queue}", dlx, "");
            args["x-dead-letter-exchange"] = dlx;
        }
        await channel.QueueDeclareAsync(queue, owner.Durable, exclusive: false, autoDelete: owner.DeleteWhenUnused, arguments: LengthArgs(args));
        if (owner.PrefetchCount > 0)
            await channel.BasicQosAsync(0, owner.PrefetchCount, false);
        await channel.QueueBindAsync(queue, topic, "");
        _consuming = CancellationTokenSource.CreateLinkedTokenSource(owner.Closing);
        var consumer = new AsyncEventingBasicConsumer(channel);
        var token = _consuming.Token;
        consumer.ReceivedAsync += (_, delivery) => HandleAsync(channel, delivery, token);
        await channel.BasicConsumeAsync(queue, owner.AutoAck, $"{queue}-{Guid.NewGuid():N}", consumer);
        return channel;
    }

    private Dictionary<string, object?> LengthArgs(Dictionary<string, object?> args)
    {
        if (owner.MaxLen > 0)
            args["x-max-length"] = (long)owner.MaxLen;
        if (owner.MaxLenBytes > 0)
            args["x-max-length-bytes"] = (long)owner.MaxLenBytes;
        return args;
    }

    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken ct)
    {
        var message = new PubSubMessage(topic, delivery.Body.ToArray(), new Dictionary<string, string>(), delivery.BasicProperties.ContentType);
        bool ok;
        try
        {
            if (!await ReplicaHandlers.DeliverAsync(() => _handlers, Interlocked.Increment(ref _next), message, ct))
                throw new MessageNotDeliveredException("no subscriber left");
            ok = true;
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            return; // stopping: the channel closes and RabbitMQ requeues what was not acknowledged
        }
        catch (Exception)
        {
            ok = false;
        }
        if (owner.AutoAck)
            return;
        try
        {
            if (ok)
                await channel.BasicAckAsync(delivery.DeliveryTag, false);
            else
            {
                owner.Nacked(owner.Name, queue, owner.RequeueInFailure);
                await channel.BasicNackAsync(delivery.DeliveryTag, false, owner.RequeueInFailure);
            }
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException)
        {
            owner.AckFailed(e, owner.Name, queue);
        }
    }
}
