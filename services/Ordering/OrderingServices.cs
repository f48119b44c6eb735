using Dapr.Client;
using Dapr.Workflow;
using Microsoft.Extensions.Options;
using ShopDapr.Ordering.Infrastructure;
using ShopDapr.Ordering.Workflows;
using ShopDapr.Ordering.Workflows.Clients;
using ShopDapr.Ordering.Workflows.Fraud;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Ordering;

public static class OrderingServices
{
    public static IHostApplicationBuilder AddOrderingServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddValidatedOptions<OrderingOptions>(OrderingOptions.Section);
        services.AddValidatedOptions<FraudRuleOptions>(FraudRuleOptions.Section);
        services.AddValidatedOptions<FraudModelOptions>(FraudModelOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddExceptionHandler<Api.OrderingExceptionHandler>();

        // The event-sourced history, its indexes and the outbox.
        services.AddSingleton<IdLists>();
        services.AddSingleton<IdempotencyKeys>();
        services.AddSingleton<OrderEventPublisher>();
        services.AddSingleton<OrderMetrics>();
        services.AddSingleton<OrderEventStore>();
        services.AddSingleton<IOrderEventLog>(sp => sp.GetRequiredService<OrderEventStore>());
        services.AddSingleton<OrderEventRecorder>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());

        // The saga's services, through the sidecar: http://inventory/... becomes {sidecar}/v1.0/invoke/inventory/method/...
        HttpClient Invoke(string appId) =>
            DaprClient.CreateInvokeHttpClient(appId, DaprEndpoints.Http(configuration), DaprEndpoints.ApiToken(configuration));
        services.AddSingleton(_ => new InventoryClient(Invoke(ShopNames.AppIds.Inventory)));
        services.AddSingleton(_ => new PaymentClient(Invoke(ShopNames.AppIds.Payment)));
        services.AddSingleton(_ => new ShippingClient(Invoke(ShopNames.AppIds.Shipping)));
        // Fraud: analytics' model when it answers in time, the rules otherwise.
        services.AddSingleton(sp => new RuleBasedFraudScorer(sp.GetRequiredService<IOptions<FraudRuleOptions>>().Value));
        services.AddSingleton<IFraudScorer>(sp => new AnalyticsFraudScorer(Invoke(ShopNames.AppIds.Analytics), sp.GetRequiredService<RuleBasedFraudScorer>(),
            sp.GetRequiredService<IOptions<FraudModelOptions>>().Value, sp.GetRequiredService<ILogger<AnalyticsFraudScorer>>()));

        // The workflow and its activities, hosted here. Dapr.Workflow 1.19's source generator registers every Workflow and
        // WorkflowActivity of Ordering.Workflows by its type name (what nameof gives); registering them again only logs
        // "already registered". The workflow client is what the API uses.
        services.AddDaprWorkflow();
        services.AddSingleton<IOrderWorkflows, DaprOrderWorkflows>();
        return builder;
    }
}
