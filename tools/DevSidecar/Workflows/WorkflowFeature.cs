using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>Registers the workflow engine, its gRPC service and its HTTP routes in one sidecar.</summary>
internal static class WorkflowFeature
{
    public static void AddWorkflows(this IServiceCollection services)
    {
        services.AddSingleton<WorkflowReplica>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkflowReplica>());
        // Not disposable, so the container does not own the engine its replicas share; resolved per request.
        services.AddTransient(sp => sp.GetRequiredService<WorkflowReplica>().Engine);
        services.AddSingleton<WorkItemStreams>();
        services.AddSingleton<TaskHubGrpcApi>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<TaskHubSidecarService>, TaskHubMethodProvider>());
    }

    public static void MapWorkflows(this WebApplication app, IEndpointRouteBuilder v1)
    {
        v1.MapWorkflowApi();
        app.MapGroup("/v1.0-beta1").MapWorkflowApi(); // daprd still serves the beta routes (and the SDKs that used them)
        app.MapGrpcService<TaskHubSidecarService>();
    }
}
