using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>Done or dropped; a retriable failure is thrown as <see cref="RetriableDeliveryException"/>.</summary>
internal enum DeliveryOutcome { Success, Drop }

/// <summary>The app asked for a retry, answered an unknown status or an error, or could not be reached.</summary>
internal sealed class RetriableDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// POSTs one event to the app and reads its answer as daprd 1.17+ does (dapr <c>pkg/runtime/subscription/postman/http</c>):
/// 2xx with an empty, unreadable, <c>""</c> or <c>SUCCESS</c> status is done; <c>DROP</c> and 404 drop the event;
/// <c>RETRY</c>, an unknown status, any other status and a connection error are retriable.
/// </summary>
internal static class AppDelivery
{
    private static readonly MediaTypeHeaderValue CloudEventJson = new(ContentTypes.CloudEventJson);

    public static async Task<DeliveryOutcome> DeliverAsync(
        AppChannel app, string path, ReadOnlyMemory<byte> body, string eventId, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = CloudEventJson } },
        };
        AddMetadataHeaders(request, metadata);
        HttpResponseMessage response;
        try
        {
            response = await app.Client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new RetriableDeliveryException($"error returned from app channel while sending pub/sub event {eventId} to app: {e.Message}", e);
        }
        using (response)
        {
            var code = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (code is >= 200 and <= 299)
            {
                string? status;
                try
                {
                    status = text.Length == 0 ? null : JsonSerializer.Deserialize<AppResponse>(text, PubSubJson.Options)?.Status;
                }
                catch (JsonException)
                {
                    return DeliveryOutcome.Success; // daprd skips the status check when the body does not parse
                }
                return status switch
                {
                    null or "" or "SUCCESS" => DeliveryOutcome.Success,
                    "DROP" => DeliveryOutcome.Drop,
                    "RETRY" => throw new RetriableDeliveryException($"RETRY status returned from app while processing pub/sub event {eventId}"),
                    _ => throw new RetriableDeliveryException($"unknown status returned from app while processing pub/sub event {eventId}, status: {status}"),
                };
            }
            if (response.StatusCode == HttpStatusCode.NotFound)
                return DeliveryOutcome.Drop;
            throw new RetriableDeliveryException(
                $"retriable error returned from app while processing pub/sub event {eventId}, body: {text}. status code returned: {code}");
        }
    }

    /// <summary>daprd passes the message metadata (with <c>pubsubName</c>) to the app as headers.</summary>
    public static void AddMetadataHeaders(HttpRequestMessage request, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            if (key.Equals("content-length", StringComparison.OrdinalIgnoreCase) || key.Equals("content-type", StringComparison.OrdinalIgnoreCase))
                continue;
            request.Headers.TryAddWithoutValidation(key, value);
        }
    }

    private sealed record AppResponse(string? Status);
}
