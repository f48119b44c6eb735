using System.Security.Cryptography;
using System.Text;
using Dapr;
using Dapr.Client;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Identity.Users;

/// <summary>
/// Accounts in the Dapr state store: <c>user-{id}</c> holds the account, <c>user-email-{sha256(e-mail)}</c> the id.
/// The e-mail key is written first-write-wins (no ETag + FirstWrite: only when absent), which makes e-mails unique
/// across replicas; the account is written before it, so the index never points at nothing.
/// </summary>
public sealed class UserStore(DaprClient dapr)
{
    private const string Store = ShopNames.Components.UserBehaviorStateStore; // its transactions announce on user-behavior
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public async Task<(UserAccount? User, string ETag)> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        var id = await dapr.GetStateAsync<string?>(Store, EmailKey(normalizedEmail), ConsistencyMode.Strong, cancellationToken: cancellationToken);
        if (string.IsNullOrEmpty(id))
            return (null, "");
        var (user, etag) = await dapr.GetStateAndETagAsync<UserAccount?>(Store, UserKey(id), ConsistencyMode.Strong, cancellationToken: cancellationToken);
        return (user, etag ?? "");
    }

    /// <summary>
    /// False when the e-mail is taken (by an earlier or a concurrent registration). The e-mail key is the commit point: it
    /// is written in one outbox transaction with <paramref name="registered"/> (<see cref="OutboxPublishing"/>), so the
    /// account exists for the world exactly when its event is on its way; a failure leaves neither.
    /// </summary>
    public async Task<bool> TryCreateAsync(UserAccount user, object registered, CancellationToken cancellationToken)
    {
        await dapr.SaveStateAsync(Store, UserKey(user.Id), user, cancellationToken: cancellationToken);
        bool created;
        try
        {
            created = await dapr.TrySaveAndPublishAsync(Store, EmailKey(user.NormalizedEmail), user.Id, "", FirstWrite, registered, cancellationToken);
        }
        catch (DaprException)
        {
            await dapr.DeleteStateAsync(Store, UserKey(user.Id), cancellationToken: CancellationToken.None); // unreachable without its e-mail key
            throw;
        }
        if (!created)
            await dapr.DeleteStateAsync(Store, UserKey(user.Id), cancellationToken: cancellationToken);
        return created;
    }

    /// <summary>False when the account changed since it was read with <paramref name="etag"/>.</summary>
    public Task<bool> TryUpdateAsync(UserAccount user, string etag, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(Store, UserKey(user.Id), user, etag, cancellationToken: cancellationToken);

    internal static string UserKey(string id) => $"user-{id}";

    internal static string EmailKey(string normalizedEmail) =>
        $"user-email-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)))}";
}
