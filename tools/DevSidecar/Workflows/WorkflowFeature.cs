using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>Registers the workflow engine, its gRPC service and its HTTP routes in one sidecar.</summary>
internal static class WorkflowFeature
{
    public static void AddWorkflows(this IServiceCollection services)
    {
        services.AddSingleton<WorkflowStore>();
        services.AddSingleton<WorkQueue>();
        services.AddSingleton<WorkflowEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkflowEngine>());
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
