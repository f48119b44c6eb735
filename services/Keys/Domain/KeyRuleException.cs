namespace ShopDapr.Keys.Domain;

/// <summary>Why a request about a key was refused; the API maps each to its 4xx.</summary>
public enum KeyError
{
    /// <summary>The request itself is wrong: bad name, bad type, bad base64, a period out of range (400).</summary>
    Malformed,

    /// <summary>The key type does not serve the operation, e.g. encrypting with a signing key (400).</summary>
    Unsupported,

    /// <summary>No key of that name (404).</summary>
    NotFound,

    /// <summary>A key of that name exists already (409).</summary>
    Exists,

    /// <summary>The key's state forbids the operation (409, naming the state).</summary>
    WrongState,

    /// <summary>A ciphertext or signature that this key cannot accept: tampered, retired, unknown version, another key's (422).</summary>
    Unusable,
}

/// <summary>A request about a key that the rules refuse. Never carries key material or a plaintext.</summary>
public sealed class KeyRuleException(KeyError error, string title, string detail, KeyState? state = null) : Exception(detail)
{
    public KeyError Error { get; } = error;

    public string Title { get; } = title;

    /// <summary>The key's state, for <see cref="KeyError.WrongState"/>.</summary>
    public KeyState? State { get; } = state;

    public static KeyRuleException Malformed(string detail) => new(KeyError.Malformed, "The request is malformed", detail);

    public static KeyRuleException NotFound(string name) => new(KeyError.NotFound, "No such key", $"There is no key named '{name}'.");

    public static KeyRuleException Unusable(string detail) => new(KeyError.Unusable, "The key cannot accept this input", detail);

    public static KeyRuleException Unsupported(KeyType type, string operation) =>
        new(KeyError.Unsupported, "The key type does not serve this operation", $"A {type.Name()} key cannot {operation}.");

    public static KeyRuleException InState(string name, KeyState state, string operation) =>
        new(KeyError.WrongState, $"The key is {state}", $"Key '{name}' is {state}: it cannot {operation}.", state);
}
