using Grpc.Core;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Secrets;

/// <summary>What the gRPC and HTTP secrets APIs share: the store lookup, resiliency, and daprd's errors.</summary>
public sealed class SecretService(SidecarContext sidecar, IResiliencyPolicies policies)
{
    public async Task<IReadOnlyDictionary<string, string>> GetAsync(string storeName, string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var store = Find(storeName);
        IReadOnlyDictionary<string, string>? secret;
        try
        {
            secret = await policies.ForComponent(storeName, ComponentDirection.Outbound)
                .ExecuteAsync(async ct => await store.GetAsync(key, metadata, ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw GetFailed(key, storeName, e.Message);
        }
        return secret ?? throw GetFailed(key, storeName, $"secret {key} not found");
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkAsync(string storeName, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var store = Find(storeName);
        try
        {
            return await policies.ForComponent(storeName, ComponentDirection.Outbound)
                .ExecuteAsync(async ct => await store.GetAllAsync(metadata, ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DaprApiException(StatusCode.Internal, 500, "ERR_SECRET_GET", $"failed getting secrets from secret store {storeName}: {e.Message}");
        }
    }

    private ISecretStore Find(string storeName)
    {
        if (sidecar.Components.TryGet<ISecretStore>(storeName, out var store))
            return store;
        if (!sidecar.Components.OfType<ISecretStore>().Any())
            throw new DaprApiException(StatusCode.FailedPrecondition, 500, "ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured");
        throw new DaprApiException(StatusCode.InvalidArgument, 401, "ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {storeName}");
    }

    private static DaprApiException GetFailed(string key, string storeName, string detail) =>
        new(StatusCode.Internal, 500, "ERR_SECRET_GET", $"failed getting secret with key {key} from secret store {storeName}: {detail}");
}
