using System.Net;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// The calls daprd makes to an app that hosts actors (dapr <c>pkg/actors/targets/app/transport/http</c>):
/// <c>GET dapr/config</c>, <c>PUT actors/{type}/{id}/method/{name}</c> (also <c>remind/{name}</c> and <c>timer/{name}</c>)
/// and <c>DELETE actors/{type}/{id}</c>.
/// </summary>
internal sealed class ActorAppClient(SidecarContext sidecar, IResiliencyPolicies policies)
{
    /// <summary>The app's actor configuration; null while the app does not answer yet; <see cref="ActorHostConfig.None"/> when it hosts none.</summary>
    public async Task<ActorHostConfig?> TryGetConfigAsync(CancellationToken cancellationToken)
    {
        if (sidecar.App is not { } app)
            return ActorHostConfig.None;
        using var response = await app.Client.GetAsync("dapr/config", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return ActorHostConfig.None;
        if (!response.IsSuccessStatusCode)
            return null;
        return ActorHostConfig.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>
    /// Calls an actor method (or a reminder or timer callback) in the app, bounded by the actor type's resiliency timeout
    /// (daprd's post-lock policy: only a timeout, once the actor's turn is taken; its retries and circuit breaker sit in
    /// <see cref="ActorRouter"/> around the whole call). The app's answer comes back as it is when it is 200, 404 or an
    /// actor error carried in <c>X-DaprErrorResponseHeader</c>; another status, no answer or a timeout throws
    /// <see cref="DaprApiException"/> as daprd words it.
    /// </summary>
    public async Task<ActorCallResult> InvokeAsync(string actorType, string actorId, ActorCall call, CancellationToken cancellationToken)
    {
        var app = sidecar.App ?? throw ActorErrors.NoAppChannel();
        var path = $"actors/{Uri.EscapeDataString(actorType)}/{Uri.EscapeDataString(actorId)}/method/{call.Method}";
        ActorCallResult result;
        try
        {
            result = await policies.ForActorTurn(actorType).ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(call.Body) };
                if (call.ContentType is not null)
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", call.ContentType);
                foreach (var (name, values) in call.Headers)
                {
                    if (!request.Headers.TryAddWithoutValidation(name, values))
                        request.Content.Headers.TryAddWithoutValidation(name, values);
                }
                using var response = await app.Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
                return await ActorCallResult.FromResponseAsync(response, token);
            }, cancellationToken);
        }
        catch (Exception e) when (AppHealth.IsRefused(e))
        {
            // The app is gone (the refusal took this replica out of placement) and never saw the call: it goes to the
            // actor's new host, as a call that reaches a sidecar which no longer has the actor.
            throw new ActorAppUnreachableException(ActorErrors.Invoke($"remote actor moved: {e.Message}"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A resiliency timeout, a reset mid-call, or an in-process app that threw.
            throw ActorErrors.Invoke(e.Message);
        }
        if (result.Status is StatusCodes.Status200OK or StatusCodes.Status404NotFound || result.Has(ActorCallResult.ErrorResponseHeader))
            return result;
        throw ActorErrors.Invoke($"error from actor service: ({result.Status}) {System.Text.Encoding.UTF8.GetString(result.Body)}");
    }

    /// <summary>Tells the app to deactivate an actor; false (with the reason) when it did not answer 200.</summary>
    public async Task<string?> DeactivateAsync(string actorType, string actorId, CancellationToken cancellationToken)
    {
        if (sidecar.App is not { } app)
            return "app channel is not initialized";
        using var response = await app.Client.DeleteAsync($"actors/{Uri.EscapeDataString(actorType)}/{Uri.EscapeDataString(actorId)}", cancellationToken);
        return response.StatusCode == HttpStatusCode.OK
            ? null
            : $"error from actor service: ({(int)response.StatusCode}) {await response.Content.ReadAsStringAsync(cancellationToken)}";
    }
}
