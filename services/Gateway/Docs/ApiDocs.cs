using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dapr.Client;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Gateway.Docs;

/// <summary>
/// <c>/docs</c>: one API reference (Scalar) over every documented app's <c>/openapi/v1.json</c>, each fetched through the
/// sidecar and re-served at <c>/api-docs/{app}.json</c>.
/// </summary>
public static class ApiDocs
{
    public const string DocumentRoute = "/api-docs/{documentName}.json";

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder routes)
    {
        var apps = routes.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.DocumentedApps;
        routes.MapGet(DocumentRoute, GetDocument).AllowAnonymous().ExcludeFromDescription();
        routes.MapScalarApiReference("/docs", o =>
        {
            o.WithTitle("ShopDapr API").WithDynamicBaseServerUrl(true);
            foreach (var app in apps)
                o.AddDocument(app, app, DocumentRoute, isDefault: app == apps[0]);
        }).AllowAnonymous();
        return routes;
    }

    public static async Task<IResult> GetDocument(string documentName, AppDocuments documents, CancellationToken cancellationToken)
    {
        if (!documents.IsDocumented(documentName))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such API document");
        var response = await documents.FetchAsync(documentName, cancellationToken);
        if (response is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"The {documentName} app did not serve its API document");
        if (ParseObject(response) is not { } document)
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"The {documentName} app served a malformed API document");
        PublicDocument.KeepPublicPaths(document, documentName);
        return TypedResults.Text(document.ToJsonString(), "application/json");
    }

    private static JsonObject? ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // answered as 502 by the caller: the app, not the client, is at fault
        }
    }
}

/// <summary>Fetches <c>/openapi/v1.json</c> from an app through the sidecar (one invoke client per app).</summary>
public sealed partial class AppDocuments(IConfiguration configuration, IOptions<GatewayOptions> options, ILogger<AppDocuments> logger)
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new();

    public bool IsDocumented(string app) => options.Value.DocumentedApps.Contains(app, StringComparer.Ordinal);

    public async Task<string?> FetchAsync(string app, CancellationToken cancellationToken)
    {
        var client = _clients.GetOrAdd(app, id =>
            DaprClient.CreateInvokeHttpClient(id, DaprEndpoints.Http(configuration), DaprEndpoints.ApiToken(configuration)));
        try
        {
            using var response = await client.GetAsync("/openapi/v1.json", cancellationToken);
            if (response.IsSuccessStatusCode)
                return await response.Content.ReadAsStringAsync(cancellationToken);
            LogFetchFailed(logger, app, (int)response.StatusCode, null);
            return null;
        }
        catch (HttpRequestException e)
        {
            LogFetchFailed(logger, app, 0, e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching the API document of {App} failed ({Status})")]
    private static partial void LogFetchFailed(ILogger logger, string app, int status, Exception? exception);
}
