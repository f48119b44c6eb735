namespace ShopDapr.DevSidecar.Config;

/// <summary>
/// Who is calling: what daprd reads from the caller's mTLS (SPIFFE) certificate. The calling sidecar hands it over
/// in-process, so an app cannot forge it with a header.
/// </summary>
public sealed record CallerIdentity(string AppId, string Namespace, string TrustDomain)
{
    public string SpiffeId => $"spiffe://{TrustDomain}/ns/{Namespace}/{AppId}";
}

/// <summary>The outcome of an access control check; <see cref="Reason"/> is daprd's message when denied.</summary>
public readonly record struct AccessDecision(bool Allowed, string? Reason);

/// <summary>
/// A Configuration's <c>spec.accessControl</c>, enforced by the TARGET sidecar against the caller's identity, as
/// daprd's pkg/acl does for apps on HTTP: operations are compared lower-cased, an HTTP verb picks the verb's action
/// (or the <c>*</c> action), a call without a verb takes the app policy's default action.
/// </summary>
public sealed class AccessControlList
{
    public const string Allow = "allow";
    public const string Deny = "deny";

    private readonly Dictionary<(string AppId, string Namespace), Policy> _policies;

    internal AccessControlList(string defaultAction, string trustDomain, IEnumerable<Policy> policies)
    {
        DefaultAction = defaultAction;
        TrustDomain = trustDomain;
        _policies = [];
        foreach (var policy in policies)
            _policies[(policy.AppId, policy.Namespace)] = policy;
    }

    public string DefaultAction { get; }

    public string TrustDomain { get; }

    /// <param name="operation">The invoked method, e.g. <c>api/orders/1</c>.</param>
    /// <param name="verb">The HTTP verb upper-case, or null for a call without one (gRPC without http_extension).</param>
    public AccessDecision Check(CallerIdentity caller, string operation, string? verb)
    {
        var action = DefaultAction;
        if (_policies.TryGetValue((caller.AppId, caller.Namespace), out var policy) && policy.TrustDomain == caller.TrustDomain)
        {
            if (policy.DefaultAction.Length > 0)
                action = policy.DefaultAction;
            var path = (operation.StartsWith('/') ? operation : "/" + operation).ToLowerInvariant();
            if (policy.Operations.Find(path) is { } rule)
            {
                if (verb is null)
                    action = policy.DefaultAction;
                else if (rule.Verbs.TryGetValue(verb, out var verbAction) || rule.Verbs.TryGetValue("*", out verbAction))
                    action = verbAction;
            }
        }
        return string.Equals(action, Allow, StringComparison.OrdinalIgnoreCase)
            ? new AccessDecision(true, null)
            : new AccessDecision(false, $"access control policy has denied access to id: {caller.SpiffeId} operation: {operation} verb: {verb ?? "NONE"}");
    }

    internal sealed record Policy(string AppId, string Namespace, string TrustDomain, string DefaultAction, OperationTree<OperationRule> Operations);

    internal sealed record OperationRule(string Name, IReadOnlyDictionary<string, string> Verbs);
}
