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
/// A replica whose app refuses the connection (it died; the refusal takes it out of the round-robin) never saw the call,
/// so the same attempt goes on at once to another replica, whatever the verb: what daprd's built-in retry does for a
/// target it could not reach (gRPC Unavailable), and what a Kubernetes Service does by no longer listing a pod that failed
/// its readiness. A call that reached the app and then failed (a reset mid-request, a timeout) is not sent elsewhere: the
/// app may have acted on it; the resiliency policy or the client decides.
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
                response = await InvokeReplicaAsync(targetId, appId, call, cancellationToken);
        }
        catch (InvocationException e) when (e.TargetId != targetId)
        {
            throw new InvocationException(targetId, e.Error, e.HttpStatus); // daprd names the target as the caller did
        }
        if (response.StatusCode is < 200 or > 399)
            throw new AppResponseException(response);
        return response;
    }

    /// <summary>On one replica; on another when its app refused the connection (at most once per replica).</summary>
    private async Task<InvocationResponse> InvokeReplicaAsync(string targetId, string appId, InvocationRequest call, CancellationToken cancellationToken)
    {
        Sidecar? refused = null;
        for (var left = sidecar.Cluster.Replicas(appId).Length; ; left--)
        {
            var target = sidecar.Cluster.Resolve(appId, except: refused)
                         ?? throw new InvocationException(targetId, $"couldn't find service: {appId}");
            try
            {
                return await target.Services.GetRequiredService<LocalInvoker>().InvokeAsync(Identity, call, cancellationToken);
            }
            catch (InvocationException e) when (e.AppUnreachable && left > 1)
            {
                refused = target;
            }
        }
    }

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
