using System.Text.RegularExpressions;

namespace ShopDapr.Keys.Domain;

/// <summary>
/// One version of a key: its material (plaintext, in memory only; null once destroyed), when it was made, and when it
/// became the version in use (<see cref="ActivatedAt"/>: later than <see cref="CreatedAt"/> for a version announced
/// ahead as a key's <see cref="ManagedKey.Next"/>; null for one that was in use from its creation).
/// </summary>
public sealed record KeyVersion(int Version, DateTimeOffset CreatedAt, byte[]? Material, DateTimeOffset? ActivatedAt = null)
{
    /// <summary>Since when this version has been the one in use.</summary>
    public DateTimeOffset InUseSince => ActivatedAt ?? CreatedAt;
}

/// <summary>
/// A managed key: its versions (1, 2, … — rotation adds one), its state, and <see cref="MinDecryptionVersion"/> below
/// which versions are retired (no longer decrypt, verify or appear in the JWKS). The latest version encrypts and signs.
/// A signing key also carries <see cref="Next"/>, the version after the latest, made ahead: its public key is published
/// and it verifies, but it never signs until a rotation promotes it (and announces a new next), so anyone who fetched
/// the JWKS before a rotation already holds the key of the tokens signed after it.
/// Plain rules, no I/O: every change returns a new key or throws <see cref="KeyRuleException"/>.
/// </summary>
public sealed partial record ManagedKey(
    string Name,
    KeyType Type,
    KeyState State,
    DateTimeOffset CreatedAt,
    int MinDecryptionVersion,
    TimeSpan? RotationPeriod,
    DateTimeOffset? DeletionDate,
    IReadOnlyList<KeyVersion> Versions,
    KeyVersion? Next = null)
{
    public const int MinPendingWindowDays = 7;
    public const int MaxPendingWindowDays = 30;

    /// <summary>Names the key routes use for themselves, so no key may take them.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "audit" };

    public int LatestVersion => Versions[^1].Version;

    public KeyVersion Latest => Versions[^1];

    /// <summary>Lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64; a leading '_' marks the app's own keys.</summary>
    [GeneratedRegex("^_?[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    public static bool IsInternal(string name) => name.StartsWith('_');

    /// <summary>Throws unless <paramref name="name"/> may name a key a client creates.</summary>
    public static void CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name) || IsInternal(name) || !NamePattern().IsMatch(name) || Reserved.Contains(name))
            throw KeyRuleException.Malformed(
                "A key name is 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit (not 'audit').");
    }

    public static ManagedKey Create(string name, KeyType type, TimeSpan? rotationPeriod, byte[] material, DateTimeOffset now) =>
        new(name, type, KeyState.Enabled, now, 1, rotationPeriod, null, [new KeyVersion(1, now, material)]);

    /// <summary>What the key is at <paramref name="now"/>: a pending deletion whose date has passed is destroyed, its material gone.</summary>
    public ManagedKey AsOf(DateTimeOffset now) =>
        State == KeyState.PendingDeletion && DeletionDate <= now ? Destroy() : this;

    public ManagedKey Destroy() => this with
    {
        State = KeyState.Destroyed, RotationPeriod = null, Versions = [.. Versions.Select(v => v with { Material = null })],
        Next = Next is null ? null : Next with { Material = null },
    };

    public bool RotationDue(DateTimeOffset now) =>
        State == KeyState.Enabled && RotationPeriod is { } period && now - Latest.InUseSince >= period;

    /// <summary>
    /// Whether this key should announce a next version and has none: a signing key, enabled or disabled, stored before
    /// keys announced next versions (or whose next was never made).
    /// </summary>
    public bool LacksNext => Type.Signs() && Next is null && State is KeyState.Enabled or KeyState.Disabled;

    /// <summary>
    /// A new latest version; only an enabled key rotates. A key with a <see cref="Next"/> promotes it (it is already
    /// published) and announces a new next made of <paramref name="material"/>; any other takes <paramref name="material"/>
    /// as its latest (a signing key then still lacks a next: see <see cref="AnnounceNext"/>).
    /// </summary>
    public ManagedKey Rotate(byte[] material, DateTimeOffset now)
    {
        RequireEnabled("rotate");
        return Next is { } next
            ? this with { Versions = [.. Versions, next with { ActivatedAt = now }], Next = new KeyVersion(next.Version + 1, now, material) }
            : this with { Versions = [.. Versions, new KeyVersion(LatestVersion + 1, now, material)] };
    }

    /// <summary>A signing key that <see cref="LacksNext"/> gets one, made of <paramref name="material"/> (called only then); any other key is returned as it is.</summary>
    public ManagedKey AnnounceNext(Func<byte[]> material, DateTimeOffset now) =>
        LacksNext ? this with { Next = new KeyVersion(LatestVersion + 1, now, material()) } : this;

    /// <summary>Retires versions below <paramref name="minDecryptionVersion"/> (1 … latest) and sets or clears (zero) the rotation period.</summary>
    public ManagedKey Configure(int? minDecryptionVersion, TimeSpan? rotationPeriod)
    {
        if (State is KeyState.Destroyed or KeyState.PendingDeletion)
            throw KeyRuleException.InState(Name, State, "be configured");
        if (minDecryptionVersion is { } min && (min < 1 || min > LatestVersion))
            throw KeyRuleException.Malformed($"minDecryptionVersion must be between 1 and the latest version ({LatestVersion}).");
        return this with
        {
            MinDecryptionVersion = minDecryptionVersion ?? MinDecryptionVersion,
            RotationPeriod = rotationPeriod is { } p ? (p == TimeSpan.Zero ? null : p) : RotationPeriod,
        };
    }

    public ManagedKey Disable() => State switch
    {
        KeyState.Enabled or KeyState.Disabled => this with { State = KeyState.Disabled },
        _ => throw KeyRuleException.InState(Name, State, "be disabled"),
    };

    public ManagedKey Enable() => State switch
    {
        KeyState.Enabled or KeyState.Disabled => this with { State = KeyState.Enabled },
        _ => throw KeyRuleException.InState(Name, State, "be enabled"),
    };

    /// <summary>Schedules destruction <paramref name="pendingWindowDays"/> (7 … 30) days from now; cancellable until then.</summary>
    public ManagedKey ScheduleDeletion(int pendingWindowDays, DateTimeOffset now)
    {
        if (pendingWindowDays is < MinPendingWindowDays or > MaxPendingWindowDays)
            throw KeyRuleException.Malformed($"pendingWindowDays must be between {MinPendingWindowDays} and {MaxPendingWindowDays}.");
        if (State is not (KeyState.Enabled or KeyState.Disabled))
            throw KeyRuleException.InState(Name, State, "be scheduled for deletion");
        return this with { State = KeyState.PendingDeletion, DeletionDate = now.AddDays(pendingWindowDays) };
    }

    /// <summary>Takes a pending deletion back; the key comes back disabled (as in AWS KMS), for an admin to enable on purpose.</summary>
    public ManagedKey CancelDeletion()
    {
        if (State != KeyState.PendingDeletion)
            throw KeyRuleException.InState(Name, State, "have its deletion cancelled");
        return this with { State = KeyState.Disabled, DeletionDate = null };
    }

    /// <summary>The version that encrypts, signs and hashes now: the latest, of an enabled key.</summary>
    public KeyVersion ForUse(string operation)
    {
        RequireEnabled(operation);
        return Latest;
    }

    /// <summary>
    /// The version that reads an output of <paramref name="version"/>: the key must be enabled and the version neither
    /// retired (below <see cref="MinDecryptionVersion"/>) nor unknown.
    /// </summary>
    public KeyVersion ForReading(int version, string operation)
    {
        RequireEnabled(operation);
        if (version < MinDecryptionVersion)
            throw KeyRuleException.Unusable($"Version {version} of key '{Name}' is retired (minDecryptionVersion is {MinDecryptionVersion}).");
        return Versions.Append(Next).FirstOrDefault(v => v?.Version == version) is { Material: not null } found
            ? found
            : throw KeyRuleException.Unusable($"Key '{Name}' has no version {version}.");
    }

    /// <summary>Versions that still read old outputs and publish their public key: not retired, not destroyed, and the announced next.</summary>
    public IEnumerable<KeyVersion> LiveVersions =>
        Versions.Where(v => v.Version >= MinDecryptionVersion && v.Material is not null).Concat(Next is { Material: not null } next ? [next] : []);

    /// <summary>Every version, the announced next last.</summary>
    public IEnumerable<KeyVersion> AllVersions => Next is null ? Versions : Versions.Append(Next);

    public string VersionState(KeyVersion version) =>
        version.Material is null ? "Destroyed" : version.Version == Next?.Version ? "Next" : version.Version < MinDecryptionVersion ? "Retired" : "Active";

    private void RequireEnabled(string operation)
    {
        if (State != KeyState.Enabled)
            throw KeyRuleException.InState(Name, State, operation);
    }
}
