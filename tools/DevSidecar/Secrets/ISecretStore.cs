namespace ShopDapr.DevSidecar.Secrets;

/// <summary>A Dapr secret store: a secret is a name with one or more key/value pairs.</summary>
public interface ISecretStore
{
    /// <summary>Null when there is no such secret.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetAllAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);
}
