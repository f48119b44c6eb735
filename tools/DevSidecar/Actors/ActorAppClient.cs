using System.Net;
using Polly.CircuitBreaker;
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
    /// Calls an actor method in the app under the actor type's resiliency policy. A failed answer (not 200 and not an
    /// actor error carried in <c>X-DaprErrorResponseHeader</c>) throws <see cref="DaprApiException"/> as daprd words it.
    /// </summary>
    public async Task<ActorCallResult> InvokeAsync(string actorType, string actorId, ActorCall call, CancellationToken cancellationToken)
    {
        var app = sidecar.App ?? throw ActorErrors.NoAppChannel();
        var path = $"actors/{Uri.EscapeDataString(actorType)}/{Uri.EscapeDataString(actorId)}/method/{call.Method}";
        try
        {
            return await policies.ForActor(actorType, actorId).ExecuteAsync(async token =>
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
                var result = await ActorCallResult.FromResponseAsync(response, token);
                if (result.Status == StatusCodes.Status404NotFound)
                    return result;
                if (result.Has(ActorCallResult.ErrorResponseHeader))
                    throw new ActorErrorAnswerException(result);
                if (result.Status != StatusCodes.Status200OK)
                    throw new ActorAppFailedException(result.Status, System.Text.Encoding.UTF8.GetString(result.Body));
                return result;
            }, cancellationToken);
        }
        catch (ActorErrorAnswerException e)
        {
            // The actor threw: its error goes back to the caller as the app worded it.
            return e.Result;
        }
        catch (ActorAppFailedException e)
        {
            throw ActorErrors.Invoke(e.Message);
        }
        catch (BrokenCircuitException e)
        {
            // daprd words these as gobreaker does (ErrOpenState, ErrTooManyRequests), without the breaker's name.
            throw ActorErrors.Invoke(e.RetryAfter is null ? "too many requests" : "circuit breaker is open");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Connection refused, a resiliency timeout or an open circuit, or an in-process app that threw.
            throw ActorErrors.Invoke(e.Message);
        }
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

/// <summary>The app answered an actor call with a failure status; thrown inside the resiliency pipeline so policies can retry.</summary>
internal sealed class ActorAppFailedException(int status, string body) : Exception($"error from actor service: ({status}) {body}")
{
    public int Status { get; } = status;
}

/// <summary>
/// The actor threw (the app answered with <c>X-DaprErrorResponseHeader</c>): a failure to the actor type's circuit breaker,
/// as daprd's actor error is, and never retried (daprd marks local actor errors permanent).
/// </summary>
internal sealed class ActorErrorAnswerException(ActorCallResult result) : PermanentFailureException("the actor method failed in the app")
{
    public ActorCallResult Result { get; } = result;
}
