using System.Globalization;
using System.Text.RegularExpressions;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resources;
using YamlDotNet.Core;

namespace ShopDapr.DevSidecar.Config;

/// <summary>
/// Reads the sidecar's Configuration: the --config file when one is given (with $VAR / ${VAR} expanded, as daprd
/// does), otherwise the one Configuration of the resources paths that applies to the app. Anything malformed
/// stops start-up with a <see cref="ResourceException"/> naming the file and the field.
/// </summary>
public static partial class ConfigurationLoader
{
    private static readonly string[] Verbs = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*"];

    public static SidecarConfiguration Load(SidecarOptions options, ResourceSet resources, Action<string> log)
    {
        var fromResources = resources.OfKind<ConfigurationResource>().Where(c => c.AppliesTo(options.AppId)).ToList();
        ConfigurationResource? config;
        if (options.ConfigFile is { } file)
        {
            config = ReadFile(file);
            if (fromResources.Count > 0)
                log($"{fromResources[0].SourceFile}: Configuration '{fromResources[0].Metadata.Name}' ignored: the config file {file} is used");
        }
        else
        {
            if (fromResources.Count > 1)
                throw new ResourceException(fromResources[1].SourceFile, "metadata.name",
                    $"Configuration '{fromResources[1].Metadata.Name}' is the second one for app '{options.AppId}' (also '{fromResources[0].Metadata.Name}' in {fromResources[0].SourceFile}); give one, or scope them");
            config = fromResources.SingleOrDefault();
        }
        return config is null ? SidecarConfiguration.Default : Build(config, log);
    }

    public static ConfigurationResource ReadFile(string file)
    {
        if (!File.Exists(file))
            throw new ResourceException(file, "config", "file does not exist");
        ConfigurationResource? doc;
        try
        {
            doc = ResourceLoader.Yaml.Deserialize<ConfigurationResource?>(ExpandEnvironment(File.ReadAllText(file)));
        }
        catch (YamlException e)
        {
            throw new ResourceException(file, $"line {e.Start.Line}, column {e.Start.Column}", e.InnerException?.Message ?? e.Message);
        }
        doc ??= new ConfigurationResource();
        if (doc.Kind is { } kind && kind != "Configuration")
            throw new ResourceException(file, "kind", $"is '{kind}'; a config file holds a Configuration");
        doc.SourceFile = file;
        doc.Normalize();
        return doc;
    }

    private static SidecarConfiguration Build(ConfigurationResource config, Action<string> log)
    {
        var file = config.SourceFile;
        foreach (var section in config.Spec.IgnoredSections())
            log($"{file}: spec.{section} is not supported by the dev sidecar; ignored");
        var features = config.Spec.Features.Where(f => f.Enabled && !string.IsNullOrWhiteSpace(f.Name)).Select(f => f.Name!).ToList();
        if (features.Count > 0)
            log($"{file}: spec.features ({string.Join(", ", features)}) are reported by the metadata API but change nothing in the dev sidecar");
        return new SidecarConfiguration(config.Metadata.Name, SamplingRate(config), AccessControl(config), features, WorkflowRetention(config));
    }

    private static double SamplingRate(ConfigurationResource config)
    {
        var text = config.Spec.Tracing?.SamplingRate;
        if (string.IsNullOrWhiteSpace(text))
            return 0;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate < 0 || rate > 1)
            throw new ResourceException(config.SourceFile, "spec.tracing.samplingRate", $"'{text}' is not a number from 0 to 1");
        return rate;
    }

    private static WorkflowRetentionPolicy WorkflowRetention(ConfigurationResource config)
    {
        if (config.Spec.Workflow?.StateRetentionPolicy is not { } spec)
            return WorkflowRetentionPolicy.None;
        const string field = "spec.workflow.stateRetentionPolicy";
        TimeSpan? Duration(string name, string? text)
        {
            if (text is null)
                return null;
            if (!GoDuration.TryParse(text, out var value))
                throw new ResourceException(config.SourceFile, $"{field}.{name}", $"'{text}' is not a duration (e.g. 72h, 30m, 0s)");
            if (value < TimeSpan.Zero)
                throw new ResourceException(config.SourceFile, $"{field}.{name}", $"'{text}' is negative");
            return value;
        }
        return new WorkflowRetentionPolicy(Duration("anyTerminal", spec.AnyTerminal), Duration("completed", spec.Completed),
            Duration("failed", spec.Failed), Duration("terminated", spec.Terminated));
    }

    private static AccessControlList? AccessControl(ConfigurationResource config)
    {
        var spec = config.Spec.AccessControl;
        if (spec is null || (string.IsNullOrEmpty(spec.TrustDomain) && string.IsNullOrEmpty(spec.DefaultAction) && spec.Policies.Count == 0))
            return null;
        var file = config.SourceFile;
        // daprd: no global default with app policies present means deny; no default and no policies means allow.
        var defaultAction = Action(file, "spec.accessControl.defaultAction", spec.DefaultAction)
                            ?? (spec.Policies.Count > 0 ? AccessControlList.Deny : AccessControlList.Allow);
        var trustDomain = string.IsNullOrEmpty(spec.TrustDomain) ? SidecarConfiguration.DefaultTrustDomain : spec.TrustDomain;
        var policies = new List<AccessControlList.Policy>();
        for (var i = 0; i < spec.Policies.Count; i++)
        {
            var field = $"spec.accessControl.policies[{i}]";
            var p = spec.Policies[i] ?? throw new ResourceException(file, field, "is empty");
            var appId = Required(file, $"{field}.appId", p.AppId);
            var tree = new OperationTree<AccessControlList.OperationRule>();
            for (var j = 0; j < p.Operations.Count; j++)
            {
                var opField = $"{field}.operations[{j}]";
                var op = p.Operations[j] ?? throw new ResourceException(file, opField, "is empty");
                var name = Required(file, $"{opField}.name", op.Name);
                var action = Action(file, $"{opField}.action", op.Action)
                             ?? throw new ResourceException(file, $"{opField}.action", "is required (allow or deny)");
                var verbs = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var verb in op.HttpVerb ?? [])
                {
                    if (!Verbs.Contains(verb, StringComparer.Ordinal))
                        throw new ResourceException(file, $"{opField}.httpVerb", $"'{verb}' is not one of {string.Join(", ", Verbs)}");
                    verbs[verb] = action;
                }
                var path = (name.StartsWith('/') ? name : "/" + name).ToLowerInvariant();
                tree.Add(path, new AccessControlList.OperationRule(path, verbs));
            }
            policies.Add(new AccessControlList.Policy(
                appId,
                Required(file, $"{field}.namespace", p.Namespace),
                Required(file, $"{field}.trustDomain", p.TrustDomain),
                Action(file, $"{field}.defaultAction", p.DefaultAction) ?? "",
                tree));
        }
        return new AccessControlList(defaultAction, trustDomain, policies);
    }

    private static string Required(string file, string field, string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw new ResourceException(file, field, "is required") : value;

    private static string? Action(string file, string field, string? value) => value switch
    {
        null or "" => null,
        _ when value.Equals(AccessControlList.Allow, StringComparison.OrdinalIgnoreCase) => AccessControlList.Allow,
        _ when value.Equals(AccessControlList.Deny, StringComparison.OrdinalIgnoreCase) => AccessControlList.Deny,
        _ => throw new ResourceException(file, field, $"'{value}' is neither allow nor deny"),
    };

    /// <summary>$VAR and ${VAR} from the environment, unset ones empty (Go's os.ExpandEnv).</summary>
    private static string ExpandEnvironment(string text) =>
        EnvironmentReference().Replace(text, m => Environment.GetEnvironmentVariable(m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value) ?? "");

    [GeneratedRegex(@"\$(?:\{(?<braced>[^}]+)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex EnvironmentReference();
}
