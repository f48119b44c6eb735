using Grpc.Core;
using ShopDapr.Ordering.Infrastructure;

namespace ShopDapr.Ordering.Tests;

/// <summary>A retried checkout schedules the same instance id again: daprd's "already exists" answer counts as started.</summary>
public sealed class OrderWorkflowsTests
{
    [Fact]
    public void AlreadyExists_in_any_form_daprd_uses_is_recognised_even_wrapped()
    {
        Assert.True(DaprOrderWorkflows.IsAlreadyExists(new RpcException(new Status(StatusCode.AlreadyExists, "exists"))));
        Assert.True(DaprOrderWorkflows.IsAlreadyExists(new RpcException(new Status(StatusCode.Unknown, "an active workflow with ID 'x' already exists"))));
        Assert.True(DaprOrderWorkflows.IsAlreadyExists(new InvalidOperationException("wrapped",
            new RpcException(new Status(StatusCode.AlreadyExists, "exists")))));
    }

    [Fact]
    public void Other_failures_are_not_taken_for_success()
    {
        Assert.False(DaprOrderWorkflows.IsAlreadyExists(new RpcException(new Status(StatusCode.Unavailable, "sidecar down"))));
        Assert.False(DaprOrderWorkflows.IsAlreadyExists(new InvalidOperationException("already exists, but not from daprd")));
    }
}
