using ShopDapr.DevSidecar.Resources;
using ShopDapr.DevSidecar.Secrets;

namespace ShopDapr.DevSidecar.Components;

/// <summary>Turns an app's Component resources into live components: secret stores first, then the rest with secretKeyRef resolved.</summary>
public static class ComponentBuilder
{
    public static async Task<ComponentRegistry> BuildAsync(
        ResourceSet resources, string appId, ComponentPool pool, IServiceProvider services, CancellationToken cancellationToken,
        string? workingDirectory = null)
    {
        var registry = new ComponentRegistry();
        var mine = resources.Components.Where(c => c.AppliesTo(appId)).ToList();
        foreach (var c in mine)
            Entry(c); // every type checked before anything starts

        foreach (var c in mine.Where(c => c.Type.StartsWith("secretstores.", StringComparison.Ordinal)))
            registry.Add(c, Create(c, await ResolveAsync(c, registry, cancellationToken), services, pool, workingDirectory));
        foreach (var c in mine.Where(c => !c.Type.StartsWith("secretstores.", StringComparison.Ordinal)))
            registry.Add(c, Create(c, await ResolveAsync(c, registry, cancellationToken), services, pool, workingDirectory));
        return registry;
    }

    private static ComponentCatalog.Entry Entry(ComponentResource c) =>
        ComponentCatalog.Find(c.Type, c.Spec.Version!)
        ?? throw new ResourceException(c.SourceFile, ComponentCatalog.KnowsType(c.Type) ? "spec.version" : "spec.type",
            ComponentCatalog.KnowsType(c.Type)
                ? $"version '{c.Spec.Version}' of {c.Type} is not supported (component '{c.Name}')"
                : $"unknown component type '{c.Type}' (component '{c.Name}'); the dev sidecar supports {string.Join(", ", ComponentCatalog.All.Select(e => e.Type).Distinct().Order())}");

    private static object Create(ComponentResource c, Dictionary<string, string> metadata, IServiceProvider services, ComponentPool pool, string? workingDirectory)
    {
        var entry = Entry(c);
        var context = new ComponentContext(c, metadata, services, workingDirectory);
        return entry.SharedAcrossApps ? pool.GetOrCreate(c, entry.SharedAs?.Invoke(context), () => entry.Create(context)) : entry.Create(context);
    }

    private static async Task<Dictionary<string, string>> ResolveAsync(ComponentResource c, ComponentRegistry registry, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < c.Spec.Metadata.Count; i++)
        {
            var item = c.Spec.Metadata[i];
            if (item.SecretKeyRef is not { } secretRef)
            {
                metadata[item.Name!] = item.Value ?? "";
                continue;
            }
            var field = $"spec.metadata[{i}].secretKeyRef";
            var storeName = c.Auth?.SecretStore
                ?? throw new ResourceException(c.SourceFile, "auth.secretStore", $"is required when {field} is used (component '{c.Name}')");
            if (!registry.TryGet<ISecretStore>(storeName, out var store))
                throw new ResourceException(c.SourceFile, "auth.secretStore", $"secret store '{storeName}' is not defined for this app (component '{c.Name}')");
            var secret = await store.GetAsync(secretRef.Name!, new Dictionary<string, string>(), cancellationToken)
                ?? throw new ResourceException(c.SourceFile, $"{field}.name", $"secret '{secretRef.Name}' not found in '{storeName}'");
            var key = secretRef.Key ?? secretRef.Name!;
            metadata[item.Name!] = secret.TryGetValue(key, out var value)
                ? value
                : throw new ResourceException(c.SourceFile, $"{field}.key", $"secret '{secretRef.Name}' has no key '{key}'");
        }
        return metadata;
    }
}
