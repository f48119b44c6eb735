using Polly;
using ShopDapr.DevSidecar.Config;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;

namespace ShopDapr.DevSidecar.Invocation;

/// <summary>
/// The calling side of service invocation: names the target (<c>app</c> or <c>app.namespace</c>), finds one of its
/// sidecars in the cluster (replicas round-robin, per attempt), and hands the call over with this sidecar's identity,
/// inside the app's resiliency pipeline. An app answer outside 200–399 fails the attempt (so a retry policy can act
/// on it, as daprd's does) and, after the last attempt, goes back to the caller as it is.
/// </summary>
public sealed class ServiceInvoker(SidecarContext sidecar, SidecarConfiguration configuration, IResiliencyPolicies policies, LocalInvoker? self = null)
{
    private CallerIdentity Identity => new(sidecar.AppId, configuration.Namespace, configuration.TrustDomain);

    /// <exception cref="InvocationException">No app answered (unknown app, access denied, app unreachable).</exception>
    public async Task<InvocationResponse> InvokeAsync(string targetId, InvocationRequest request, CancellationToken cancellationToken)
    {
        var appId = TargetAppId(targetId);
        var method = MethodName.Normalize(request.Method, out var invalid)
                     ?? throw new InvocationException(targetId, $"rpc error: code = InvalidArgument desc = {invalid}");
        var call = request with
        {
            Method = method,
            TraceParent = TraceContext.Continue(request.TraceParent, configuration.SamplingRate),
        };
        try
        {
            return await policies.ForApp(appId).ExecuteAsync(
                static async (state, ct) => await state.Self.AttemptAsync(state.TargetId, state.AppId, state.Call, ct),
                (Self: this, TargetId: targetId, AppId: appId, Call: call),
                cancellationToken);
        }
        catch (AppResponseException answered)
        {
            return answered.Response;
        }
    }

    private async Task<InvocationResponse> AttemptAsync(string targetId, string appId, InvocationRequest call, CancellationToken cancellationToken)
    {
        InvocationResponse response;
        try
        {
            // daprd calls its own app directly when an app invokes itself: no other replica, no access control.
            if (appId == sidecar.AppId && self is not null)
                response = await self.InvokeAppAsync(Identity, call, cancellationToken);
            else
                response = await Resolve(targetId, appId).Services.GetRequiredService<LocalInvoker>().InvokeAsync(Identity, call, cancellationToken);
        }
        catch (InvocationException e) when (e.TargetId != targetId)
        {
            throw new InvocationException(targetId, e.Error, e.HttpStatus); // daprd names the target as the caller did
        }
        if (response.StatusCode is < 200 or > 399)
            throw new AppResponseException(response);
        return response;
    }

    private Sidecar Resolve(string targetId, string appId) =>
        sidecar.Cluster.Resolve(appId) ?? throw new InvocationException(targetId, $"couldn't find service: {appId}");

    /// <summary>daprd: "app" is in this sidecar's namespace, "app.ns" names one; more dots is an invalid id.</summary>
    private string TargetAppId(string targetId)
    {
        var parts = targetId.Split('.');
        if (targetId.Length == 0 || parts.Length > 2)
            throw new InvocationException(targetId, targetId.Length == 0 ? "app id is empty" : $"invalid app id {targetId}");
        // Every sidecar of this process is in the one namespace; an app of another namespace cannot be found.
        if (parts.Length == 2 && parts[1] != configuration.Namespace)
            throw new InvocationException(targetId, $"couldn't find service: {parts[0]}");
        return parts[0];
    }
}
