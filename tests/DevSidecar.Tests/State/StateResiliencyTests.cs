using Grpc.Core;
using Polly;
using Polly.Retry;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.Resources;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>State calls run through the component's outbound policy; a stale ETag is the client's mistake and is never retried.</summary>
public sealed class StateResiliencyTests
{
    [Fact]
    public async Task Stale_etag_is_not_retried_but_a_store_failure_is()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new FailingStore();
        var state = Service(store);
        var target = state.Find("statestore");
        var op = StateService.Upsert(target, new StateWrite("k", [1], "stale", null, null));

        store.Failure = () => new ETagMismatchException("test-app||k");
        var stale = await Assert.ThrowsAsync<DaprApiException>(() => state.SaveAsync(target, [op], ct));
        Assert.Equal(StatusCode.Aborted, stale.GrpcStatus);
        Assert.Equal(409, stale.HttpStatus);
        Assert.Equal(1, store.Calls);

        store.Calls = 0;
        store.Failure = () => new ETagInvalidException("test-app||k");
        var invalid = await Assert.ThrowsAsync<DaprApiException>(() => state.DeleteAsync(target, "k", op, ct));
        Assert.Equal(StatusCode.InvalidArgument, invalid.GrpcStatus);
        Assert.Equal((400, "ERR_STATE_DELETE"), (invalid.HttpStatus, invalid.ErrorCode));
        Assert.Equal(1, store.Calls);

        store.Calls = 0;
        store.Failure = () => new IOException("disk on fire");
        var broken = await Assert.ThrowsAsync<DaprApiException>(() => state.SaveAsync(target, [op], ct));
        Assert.Equal(StatusCode.Internal, broken.GrpcStatus);
        Assert.Equal(1 + RetryingPolicies.Retries, store.Calls);
    }

    private static StateService Service(IStateStore store)
    {
        var resource = new ComponentResource { Metadata = new() { Name = "statestore" }, Spec = new() { Type = "state.in-memory", Version = "v1" } };
        var registry = new ComponentRegistry();
        registry.Add(resource, store);
        var context = new SidecarContext(new SidecarOptions { AppId = "test-app" }, new ResourceSet(), registry, new SidecarCluster(), null);
        return new StateService(context, new RetryingPolicies());
    }

    private sealed class RetryingPolicies : IResiliencyPolicies
    {
        public const int Retries = 3;

        private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = Retries, Delay = TimeSpan.Zero })
            .Build();

        public ResiliencePipeline ForApp(string appId) => ResiliencePipeline.Empty;

        public ResiliencePipeline ForComponent(string componentName, ComponentDirection direction) => Retry;

        public ResiliencePipeline ForActor(string actorType) => ResiliencePipeline.Empty;
    }

    private sealed class FailingStore : IStateStore
    {
        public int Calls { get; set; }

        public Func<Exception> Failure { get; set; } = () => new InvalidOperationException();

        public Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken) => Task.FromResult<StateEntry?>(null);

        public Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
        {
            Calls++;
            throw Failure();
        }
    }
}
