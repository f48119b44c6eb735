using ShopDapr.Keys.Domain;
using ShopDapr.Keys.Infrastructure;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Keys;

/// <summary>Who made a call (<c>user:{sub}</c> or <c>app:{app-id}</c>) and its request id, as the audit records them.</summary>
public sealed record KeyCaller(string Caller, string? RequestId);

/// <summary>
/// Every call on a key, audited: a change is read, decided by the domain, and saved with its audit entry in one
/// transaction guarded by ETags (a lost race decides again on fresh state); an operation is done and then recorded;
/// a refusal is recorded before it is answered. If the entry cannot be written, the call fails (503) and, for an
/// operation, its result is never handed out.
/// </summary>
public sealed partial class KeyService(KeyStore store, AuditLog audit, TimeProvider time, ILogger<KeyService> logger)
{
    private const int Attempts = 20;

    public Task<ManagedKey> CreateAsync(KeyCaller caller, string? name, string? type, string? rotationPeriod, CancellationToken cancellationToken)
    {
        KeyType keyType = default;
        TimeSpan? period = null;
        return ChangeAsync(caller, "create", name ?? "", cancellationToken, (current, now) =>
        {
            if (current is not null)
                throw new KeyRuleException(KeyError.Exists, "The key exists", $"A key named '{name}' exists already.");
            return ManagedKey.Create(name!, keyType, period == TimeSpan.Zero ? null : period, KeyMaterial.Generate(keyType), now)
                .AnnounceNext(() => KeyMaterial.Generate(keyType), now);
        }, mustExist: false, validate: () =>
        {
            // A malformed request is refused before anything is read: a malformed name is no key to look up.
            ManagedKey.CheckName(name);
            keyType = KeyTypes.Parse(type) ?? throw KeyRuleException.Malformed($"type must be one of {string.Join(", ", KeyTypes.Names)}.");
            period = RotationPeriods.Parse(rotationPeriod);
        });
    }

    public async Task<IReadOnlyList<ManagedKey>> ListAsync(CancellationToken cancellationToken)
    {
        var (index, _) = await store.GetIndexAsync(cancellationToken);
        var now = time.GetUtcNow();
        var keys = new List<ManagedKey>(index.Names.Count);
        foreach (var name in index.Names)
            if (await store.GetMetadataAsync(name, cancellationToken) is { } key)
                keys.Add(key.AsOf(now));
        return keys;
    }

    /// <summary>
    /// Creates key <paramref name="name"/> unless it exists (a start of the app, or of another replica, created it): true
    /// when this call created it. A signing key that exists without a next version (stored before keys announced them)
    /// gets one now.
    /// </summary>
    public async Task<bool> EnsureAsync(string name, string type, string? rotationPeriod, CancellationToken cancellationToken)
    {
        if (await store.GetMetadataAsync(name, cancellationToken) is { } existing)
        {
            if (existing.AsOf(time.GetUtcNow()).LacksNext)
                await AnnounceNextAsync(name, cancellationToken);
            return false;
        }
        try
        {
            await CreateAsync(System, name, type, rotationPeriod, cancellationToken);
            return true;
        }
        catch (KeyRuleException e) when (e.Error == KeyError.Exists)
        {
            return false;
        }
    }

    public Task<ManagedKey> GetAsync(KeyCaller caller, string name, CancellationToken cancellationToken) =>
        UseAsync(caller, "read", name, null, cancellationToken, key => (key, (int?)null));

    public Task<ManagedKey> RotateAsync(KeyCaller caller, string name, CancellationToken cancellationToken) =>
        ChangeAsync(caller, "rotate", name, cancellationToken, (key, now) => Rotated(key!, now));

    /// <summary>The key rotated, a signing key with its next version announced (a key stored without one gets it now).</summary>
    private static ManagedKey Rotated(ManagedKey key, DateTimeOffset now) =>
        key.Rotate(KeyMaterial.Generate(key.Type), now).AnnounceNext(() => KeyMaterial.Generate(key.Type), now);

    /// <summary>Gives a signing key stored without a next version its next (audited <c>announce-next</c> as <c>app:keys</c>); nothing when it has one.</summary>
    public Task<ManagedKey> AnnounceNextAsync(string name, CancellationToken cancellationToken) =>
        ChangeAsync(System, AnnounceNext, name, cancellationToken, (key, now) => key!.AnnounceNext(() => KeyMaterial.Generate(key.Type), now));

    private const string AnnounceNext = "announce-next";

    public Task<ManagedKey> ConfigureAsync(KeyCaller caller, string name, int? minDecryptionVersion, string? rotationPeriod, CancellationToken cancellationToken) =>
        ChangeAsync(caller, "configure", name, cancellationToken, (key, _) => key!.Configure(minDecryptionVersion, RotationPeriods.Parse(rotationPeriod)));

    public Task<ManagedKey> DisableAsync(KeyCaller caller, string name, CancellationToken cancellationToken) =>
        ChangeAsync(caller, "disable", name, cancellationToken, (key, _) => key!.Disable());

    public Task<ManagedKey> EnableAsync(KeyCaller caller, string name, CancellationToken cancellationToken) =>
        ChangeAsync(caller, "enable", name, cancellationToken, (key, _) => key!.Enable());

    public Task<ManagedKey> ScheduleDeletionAsync(KeyCaller caller, string name, int pendingWindowDays, CancellationToken cancellationToken) =>
        ChangeAsync(caller, "schedule-deletion", name, cancellationToken, (key, now) => key!.ScheduleDeletion(pendingWindowDays, now));

    public Task<ManagedKey> CancelDeletionAsync(KeyCaller caller, string name, CancellationToken cancellationToken) =>
        ChangeAsync(caller, "cancel-deletion", name, cancellationToken, (key, _) => key!.CancelDeletion());

    /// <summary>
    /// The maintenance sweep's change: destroys a key past its deletion date, rotates one whose period is up, announces the
    /// next version of a signing key stored without one; null when none is due.
    /// </summary>
    public async Task<ManagedKey?> MaintainAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await store.GetAsync(name, cancellationToken) is not { } loaded)
            return null;
        if (loaded.Key.AsOf(now).State == KeyState.Destroyed && loaded.Key.State != KeyState.Destroyed)
            return await ChangeAsync(System, "destroy", name, cancellationToken, (key, _) => key!);
        if (loaded.Key.RotationDue(now))
            return await ChangeAsync(System, "scheduled-rotate", name, cancellationToken,
                (key, at) => key!.RotationDue(at) ? Rotated(key, at) : key);
        if (loaded.Key.AsOf(now).LacksNext)
            return await AnnounceNextAsync(name, cancellationToken);
        return null;
    }

    public static readonly KeyCaller System = new($"app:{ShopNames.AppIds.Keys}", null);

    public Task<(string Ciphertext, int Version)> EncryptAsync(KeyCaller caller, string name, string? plaintext, string? associatedData, CancellationToken cancellationToken) =>
        UseAsync(caller, "encrypt", name, plaintext, cancellationToken, key =>
        {
            var result = KeyOperations.Encrypt(key, Base64.Decode(plaintext, "plaintext"), Base64.DecodeOptional(associatedData, "associatedData"));
            return (result, result.Version);
        });

    public Task<(byte[] Plaintext, int Version)> DecryptAsync(KeyCaller caller, string name, string? ciphertext, string? associatedData, CancellationToken cancellationToken) =>
        UseAsync(caller, "decrypt", name, ciphertext, cancellationToken, key =>
        {
            var result = KeyOperations.Decrypt(key, ciphertext, Base64.DecodeOptional(associatedData, "associatedData"));
            return (result, result.Version);
        });

    public Task<(string Ciphertext, int Version)> RewrapAsync(KeyCaller caller, string name, string? ciphertext, string? associatedData, CancellationToken cancellationToken) =>
        UseAsync(caller, "rewrap", name, ciphertext, cancellationToken, key =>
        {
            var result = KeyOperations.Rewrap(key, ciphertext, Base64.DecodeOptional(associatedData, "associatedData"));
            return (result, result.Version);
        });

    public Task<(byte[] Plaintext, string Ciphertext, int Version)> DataKeyAsync(KeyCaller caller, string name, bool wrappedOnly, CancellationToken cancellationToken) =>
        UseAsync(caller, wrappedOnly ? "datakey-wrapped" : "datakey", name, null, cancellationToken, key =>
        {
            var result = KeyOperations.DataKey(key);
            return (result, result.Version);
        });

    public Task<(string Signature, int Version)> SignAsync(KeyCaller caller, string name, string? input, CancellationToken cancellationToken) =>
        UseAsync(caller, "sign", name, input, cancellationToken, key =>
        {
            var result = KeyOperations.Sign(key, Base64.Decode(input, "input"));
            return (result, result.Version);
        });

    public Task<bool> VerifyAsync(KeyCaller caller, string name, string? input, string? signature, CancellationToken cancellationToken) =>
        UseAsync(caller, "verify", name, signature, cancellationToken, key =>
            (KeyOperations.Verify(key, Base64.Decode(input, "input"), signature), (int?)VersionedText.Parse(signature, "signature").Version));

    public Task<(string Hmac, int Version)> HmacAsync(KeyCaller caller, string name, string? input, CancellationToken cancellationToken) =>
        UseAsync(caller, "hmac", name, input, cancellationToken, key =>
        {
            var result = KeyOperations.Hmac(key, Base64.Decode(input, "input"));
            return (result, result.Version);
        });

    /// <summary>The key's public keys and the kid of the version that signs now (null when the key cannot sign: not enabled, or destroyed).</summary>
    public Task<(IReadOnlyList<PublicJwk> Keys, string? SigningKid)> PublicKeysAsync(KeyCaller caller, string name, CancellationToken cancellationToken) =>
        UseAsync(caller, "jwks", name, null, cancellationToken, key =>
            ((KeyOperations.PublicKeys(key), key.State == KeyState.Enabled && key.Latest.Material is not null ? KeyOperations.KeyId(key.Name, key.LatestVersion) : null),
                (int?)null));

    /// <summary>Records a call refused before it reached a key (authentication, authorization).</summary>
    public Task AuditRefusalAsync(KeyCaller caller, string operation, string? name, string outcome, CancellationToken cancellationToken) =>
        audit.AppendAsync(new AuditDraft(time.GetUtcNow(), caller.Caller, operation, name, null, outcome, caller.RequestId, null), cancellationToken);

    private async Task<T> UseAsync<T>(KeyCaller caller, string operation, string name, string? data, CancellationToken cancellationToken,
        Func<ManagedKey, (T Result, int? Version)> use)
    {
        (T Result, int? Version) done;
        try
        {
            var loaded = (ManagedKey.IsInternal(name) ? null : await store.GetAsync(name, cancellationToken)) ?? throw KeyRuleException.NotFound(name);
            done = use(loaded.Key.AsOf(time.GetUtcNow()));
        }
        catch (Exception e) when (Outcome(e) is { } outcome)
        {
            await audit.AppendAsync(Draft(caller, operation, name, null, outcome, await audit.HmacAsync(data, cancellationToken)), cancellationToken);
            throw;
        }
        await audit.AppendAsync(Draft(caller, operation, name, done.Version, "ok", await audit.HmacAsync(data, cancellationToken)), cancellationToken);
        return done.Result;
    }

    /// <summary><paramref name="decide"/> gets the key as of now (null only when <paramref name="mustExist"/> is false).</summary>
    private async Task<ManagedKey> ChangeAsync(KeyCaller caller, string operation, string name, CancellationToken cancellationToken,
        Func<ManagedKey?, DateTimeOffset, ManagedKey> decide, bool mustExist = true, Action? validate = null)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var now = time.GetUtcNow();
            LoadedKey? current;
            ManagedKey next;
            try
            {
                validate?.Invoke();
                current = ManagedKey.IsInternal(name) ? throw KeyRuleException.NotFound(name) : await store.GetAsync(name, cancellationToken);
                if (current is null && mustExist)
                    throw KeyRuleException.NotFound(name);
                next = decide(current?.Key.AsOf(now), now);
            }
            catch (Exception e) when (Outcome(e) is { } outcome)
            {
                await audit.AppendAsync(Draft(caller, operation, name, null, outcome, null), cancellationToken);
                throw;
            }
            IReadOnlyList<GuardedWrite> writes;
            try
            {
                writes = await store.WritesAsync(next, current, cancellationToken);
            }
            catch (MasterKeyUnavailableException e)
            {
                await audit.AppendAsync(Draft(caller, operation, name, null, Outcome(e)!, null), cancellationToken);
                throw;
            }
            if (await audit.TryCommitAsync(Drafts(caller, operation, current?.Key, next), writes, cancellationToken))
            {
                LogChanged(logger, name, operation, next.State, next.LatestVersion);
                return next;
            }
            LogConflict(logger, name, operation, attempt);
            await Task.Delay(StateContention.Backoff(attempt), cancellationToken);
        }
        throw new AuditUnavailableException($"Key '{name}' kept changing concurrently; retry.");
    }

    /// <summary>
    /// The entries of a change: the operation, at the latest version; and when the change announced a new next version
    /// (a create or a rotation of a signing key), <c>announce-next</c> at that version, so the audit names every version
    /// published before it signs.
    /// </summary>
    private List<AuditDraft> Drafts(KeyCaller caller, string operation, ManagedKey? current, ManagedKey next)
    {
        var announced = next.Next is { } n && n.Version != current?.Next?.Version ? n.Version : (int?)null;
        if (operation == AnnounceNext)
            return [Draft(caller, operation, next.Name, announced ?? next.Next?.Version, "ok", null)];
        List<AuditDraft> drafts = [Draft(caller, operation, next.Name, next.LatestVersion, "ok", null)];
        if (announced is { } version)
            drafts.Add(Draft(caller, AnnounceNext, next.Name, version, "ok", null));
        return drafts;
    }

    private AuditDraft Draft(KeyCaller caller, string operation, string name, int? version, string outcome, string? dataHmac) =>
        new(time.GetUtcNow(), caller.Caller, operation, name, version, outcome, caller.RequestId, dataHmac);

    /// <summary>How a call that threw ended, for its audit entry: refused by a rule, or failed for want of the master key; null for anything else.</summary>
    private static string? Outcome(Exception e) => e switch
    {
        KeyRuleException refused => $"refused:{refused.Error}",
        MasterKeyUnavailableException => "failed:MasterKeyUnavailable",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {Name}: {Operation} done, now {State} at version {Version}")]
    private static partial void LogChanged(ILogger logger, string name, string operation, KeyState state, int version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Key {Name}: {Operation} lost a race (attempt {Attempt}); deciding again")]
    private static partial void LogConflict(ILogger logger, string name, string operation, int attempt);
}
