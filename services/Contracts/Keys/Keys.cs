using System.Text.Json.Serialization;

namespace ShopDapr.Contracts.Keys;

/// <summary>
/// The keys app's routes: management and operations for admins through the gateway (<see cref="Admin"/>), operations
/// for apps over service invocation (<see cref="Internal"/>, by access control). Binary values are base64; a key's
/// outputs are <c>shopdapr:v{version}:{base64}</c>.
/// </summary>
public static class KeysRoutes
{
    public const string Admin = "/api/keys";
    public const string Internal = "/internal/keys";

    /// <summary>
    /// An operation (<c>encrypt</c>, <c>sign</c>, <c>jwks</c> …) on key <paramref name="name"/> over service invocation:
    /// the operation first, so an access-control policy allows it on any key with <c>/internal/keys/{operation}/*</c>.
    /// </summary>
    public static string Operation(string name, string operation) => $"{Internal}/{operation}/{Uri.EscapeDataString(name)}";
}

/// <summary>
/// The key id of one version of a key (<c>{name}:v{version}</c>): the <c>kid</c> of its public key in the key's JWKS, and
/// so the <c>kid</c> a JWS signed by that version names.
/// </summary>
public static class KeyIds
{
    public static string Of(string name, int version) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name}:v{version}");
}

public sealed record CreateKeyRequest(string? Name, string? Type, string? RotationPeriod);

/// <summary><c>rotationPeriod</c>: <c>"12h"</c>, <c>"30d"</c>, or <c>"0"</c> for none; a null field stays as it is.</summary>
public sealed record KeyConfigRequest(int? MinDecryptionVersion, string? RotationPeriod);

/// <summary>
/// A version's state: <c>Active</c>, <c>Retired</c> (below minDecryptionVersion), <c>Destroyed</c>, or <c>Next</c> (a
/// signing key's version announced ahead: published and verifying, never signing until a rotation makes it the latest).
/// <see cref="ActivatedAt"/> is when a version announced ahead became the latest (absent for one latest from its creation).
/// </summary>
public sealed record KeyVersionView(
    int Version, DateTimeOffset CreatedAt, string State,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ActivatedAt = null);

/// <summary>A key's metadata; never its material. <see cref="NextVersion"/>: a signing key's announced next version.</summary>
public sealed record KeyView(
    string Name, string Type, string State, int LatestVersion, int MinDecryptionVersion, string? RotationPeriod,
    DateTimeOffset CreatedAt, DateTimeOffset? DeletionDate, IReadOnlyList<KeyVersionView> Versions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? NextVersion = null);

public sealed record EncryptRequest(string? Plaintext, string? AssociatedData);

public sealed record EncryptResponse(string Ciphertext, int Version);

public sealed record DecryptRequest(string? Ciphertext, string? AssociatedData);

public sealed record DecryptResponse(string Plaintext);

public sealed record RewrapRequest(string? Ciphertext, string? AssociatedData);

public sealed record DataKeyRequest(bool? WrappedOnly);

/// <summary>An AES-256 data key: <see cref="Plaintext"/> (absent when only the wrapped form was asked for) and the same key encrypted under the named key.</summary>
public sealed record DataKeyResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Plaintext, string Ciphertext, int Version);

public sealed record SignRequest(string? Input);

public sealed record SignResponse(string Signature, int Version);

public sealed record VerifyRequest(string? Input, string? Signature);

public sealed record VerifyResponse(bool Valid);

public sealed record HmacRequest(string? Input);

public sealed record HmacResponse(string Hmac, int Version);

/// <summary>A public key as a JSON Web Key (RFC 7517); EC keys carry crv, x, y, RSA keys n, e.</summary>
public sealed record JsonWebKeyView(
    string Kty, string Kid, string Alg, string Use,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Crv,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? X,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Y,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? N,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? E);

/// <summary>
/// A key's public keys: every live version, and the announced next one. <see cref="SigningKid"/> names the version that
/// signs now (the others only verify), so a signer puts the right <c>kid</c> in its header before it signs.
/// </summary>
public sealed record JsonWebKeySetView(
    IReadOnlyList<JsonWebKeyView> Keys, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SigningKid = null);

/// <summary>One audited call; <see cref="DataHmac"/> is the HMAC of the caller's data (never the data itself).</summary>
public sealed record AuditEntryView(
    long Sequence, DateTimeOffset Time, string Caller, string Operation, string? Key, int? Version, string Outcome,
    string? RequestId, string? DataHmac, string PreviousHash, string Hash);

public sealed record AuditBreakView(long Sequence, string Reason);

public sealed record AuditVerification(
    bool Valid, long Entries, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AuditBreakView? FirstInvalid);
