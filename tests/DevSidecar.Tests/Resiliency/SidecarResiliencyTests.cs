using Microsoft.Extensions.DependencyInjection;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.Resources;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Tests.Resiliency;

public sealed class SidecarResiliencyTests
{
    private static Dictionary<string, string> Resources(string resiliency) => new()
    {
        ["statestore.yaml"] = Yaml.Component("statestore", "state.in-memory"),
        ["resiliency.yaml"] = resiliency,
    };

    private static async Task<int> AttemptsAsync(TestSidecar dapr, string component, int failures)
    {
        var policies = dapr.Sidecar.Services.GetRequiredService<IResiliencyPolicies>();
        Assert.True(dapr.Sidecar.Context.Components.TryGet<IStateStore>(component, out var store));
        var attempts = 0;
        try
        {
            await policies.ForComponent(component, ComponentDirection.Outbound).ExecuteAsync(async ct =>
            {
                if (++attempts <= failures)
                    throw new TimeoutException("store did not answer");
                await store.TransactAsync([new StateUpsert("test-app||k", [1])], ct);
            }, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            // the policy gave up; the attempts say how often it tried
        }
        return attempts;
    }

    [Fact]
    public async Task An_outbound_state_store_policy_from_the_resources_path_wraps_store_calls()
    {
        await using var dapr = await TestSidecar.StartAsync(Resources(ResiliencyKit.Doc("""
              policies:
                retries:
                  stateRetry:
                    policy: constant
                    duration: 10ms
                    maxRetries: 2
              targets:
                components:
                  statestore:
                    outbound:
                      retry: stateRetry
            """)));

        Assert.Equal(3, await AttemptsAsync(dapr, "statestore", failures: 2));
        Assert.Equal(3, await AttemptsAsync(dapr, "statestore", failures: 10));
        Assert.True(dapr.Sidecar.Context.Components.TryGet<IStateStore>("statestore", out var store));
        Assert.NotNull(await store.GetAsync("test-app||k", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_state_store_default_policy_applies_by_component_type()
    {
        await using var dapr = await TestSidecar.StartAsync(Resources(ResiliencyKit.Doc("""
              policies:
                retries:
                  DefaultStatestoreComponentOutboundRetryPolicy:
                    duration: 0s
                    maxRetries: 4
                  DefaultPubsubComponentOutboundRetryPolicy:
                    duration: 0s
                    maxRetries: 1
            """)));

        Assert.Equal(5, await AttemptsAsync(dapr, "statestore", failures: 10));
    }

    [Fact]
    public async Task A_resiliency_scoped_to_another_app_does_not_apply()
    {
        await using var dapr = await TestSidecar.StartAsync(Resources(ResiliencyKit.Doc("""
              policies:
                retries:
                  DefaultRetryPolicy:
                    duration: 0s
                    maxRetries: 4
            """, scopes: "other-app")));

        Assert.Equal(1, await AttemptsAsync(dapr, "statestore", failures: 10));
    }

    [Fact]
    public async Task A_broken_resiliency_file_stops_the_sidecar_naming_file_and_field()
    {
        var error = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(Resources(ResiliencyKit.Doc("""
              targets:
                components:
                  statestore:
                    outbound:
                      retry: stateRetry
            """))));

        Assert.EndsWith("resiliency.yaml", error.File);
        Assert.Equal("spec.targets.components.statestore.outbound.retry", error.Field);
    }
}
