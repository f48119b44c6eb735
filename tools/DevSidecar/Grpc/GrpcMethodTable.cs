using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace ShopDapr.DevSidecar.Grpc;

/// <summary>
/// Binds gRPC methods by hand onto the message types that ship in Dapr.Protos (the SDK ships client stubs only).
/// Each feature adds its methods; a method nobody adds answers Unimplemented, as daprd does for unknown methods.
/// </summary>
public sealed class GrpcMethodTable<TService>(string serviceName) where TService : class
{
    private readonly List<Action<ServiceMethodProviderContext<TService>>> _bindings = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public string ServiceName { get; } = serviceName;

    public IReadOnlyCollection<string> MethodNames => _names;

    public void Unary<TRequest, TResponse>(string name, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Describe<TRequest, TResponse>(MethodType.Unary, name);
        _bindings.Add(ctx => ctx.AddUnaryMethod(method, [], (_, request, call) => handler(request, call)));
    }

    public void ServerStreaming<TRequest, TResponse>(string name, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Describe<TRequest, TResponse>(MethodType.ServerStreaming, name);
        _bindings.Add(ctx => ctx.AddServerStreamingMethod(method, [], (_, request, stream, call) => handler(request, stream, call)));
    }

    public void DuplexStreaming<TRequest, TResponse>(string name, Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = Describe<TRequest, TResponse>(MethodType.DuplexStreaming, name);
        _bindings.Add(ctx => ctx.AddDuplexStreamingMethod(method, [], (_, requests, responses, call) => handler(requests, responses, call)));
    }

    internal void ApplyTo(ServiceMethodProviderContext<TService> context)
    {
        foreach (var bind in _bindings)
            bind(context);
    }

    private Method<TRequest, TResponse> Describe<TRequest, TResponse>(MethodType type, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        if (!_names.Add(name))
            throw new InvalidOperationException($"gRPC method {ServiceName}/{name} is bound twice");
        return new Method<TRequest, TResponse>(type, ServiceName, name, Marshal<TRequest>.Instance, Marshal<TResponse>.Instance);
    }

    private static class Marshal<T> where T : class, IMessage<T>, new()
    {
        private static readonly MessageParser<T> Parser = new(() => new T());

        public static readonly Marshaller<T> Instance = Marshallers.Create(m => m.ToByteArray(), Parser.ParseFrom);
    }
}
