using Grpc.Core;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Bindings;

/// <summary>
/// Output binding calls for both APIs, through the binding's outbound resiliency policy, with daprd's messages
/// (<c>error invoking output binding X: …</c>, ERR_INVOKE_OUTPUT_BINDING). daprd answers every failure with 500;
/// here a client mistake (no operation, unknown binding or operation, a path outside rootPath) is 400.
/// </summary>
public sealed class BindingService(SidecarContext sidecar, IResiliencyPolicies policies)
{
    public async Task<BindingResponse> InvokeAsync(string name, BindingRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (string.IsNullOrEmpty(request.Operation))
                throw new BindingRequestException("operation field is missing from request");
            if (!sidecar.Components.TryGet<IOutputBinding>(name, out var binding))
                throw new BindingRequestException($"couldn't find output binding {name}");
            if (!binding.Operations.Contains(request.Operation))
                throw new BindingRequestException($"binding {name} does not support operation {request.Operation}. supported operations:{string.Join(" ", binding.Operations)}");

            var (response, clientError) = await policies.ForComponent(name, ComponentDirection.Outbound).ExecuteAsync(async ct =>
            {
                try
                {
                    return (await binding.InvokeAsync(request, ct), (BindingRequestException?)null);
                }
                catch (BindingRequestException e)
                {
                    return (null!, e); // the client's mistake: not for the retry policy
                }
            }, cancellationToken);
            return clientError is null ? response : throw clientError;
        }
        catch (BindingRequestException e)
        {
            throw new DaprApiException(StatusCode.InvalidArgument, 400, "ERR_INVOKE_OUTPUT_BINDING", $"error invoking output binding {name}: {e.Message}");
        }
        catch (Exception e) when (e is not (DaprApiException or OperationCanceledException))
        {
            throw new DaprApiException(StatusCode.Internal, 500, "ERR_INVOKE_OUTPUT_BINDING", $"error invoking output binding {name}: {e.Message}");
        }
    }
}
