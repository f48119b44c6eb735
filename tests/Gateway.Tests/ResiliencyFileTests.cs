using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.Resources;
using ShopDapr.Gateway.Routing;

namespace ShopDapr.Gateway.Tests;

/// <summary>
/// The repo's own resiliency policies, read as the sidecars read them: no client's mistake (a 4xx) can open a breaker or
/// be retried, and every call has a timeout. (A breaker counts every answer outside 200–399; `matching` narrows retries only.)
/// </summary>
public sealed class ResiliencyFileTests
{
    private static readonly string Components = Path.Combine(RepoRoot(), "components");

    public static TheoryData<string> Files() => [.. Directory.EnumerateFiles(Components, "*.yaml", SearchOption.AllDirectories)
        .Where(f => File.ReadAllText(f).Contains("kind: Resiliency", StringComparison.Ordinal))
        .Select(f => Path.GetRelativePath(Components, f))];

    private static ResiliencyModel Load(string file) =>
        ResiliencyModel.Load(ResourceLoader.Load([Path.Combine(Components, file)]).OfKind<ResiliencyResource>());

    [Fact]
    public void The_local_component_set_has_a_resiliency_file() =>
        Assert.Contains(Path.Combine("local", "resiliency.yaml"), Files().Select(f => (string)f.Data));

    [Theory]
    [MemberData(nameof(Files))]
    public void No_app_or_actor_target_has_a_circuit_breaker(string file)
    {
        var model = Load(file);
        Assert.All(model.Apps, a => Assert.True(a.Value.CircuitBreaker is null, $"{file}: app {a.Key} has circuit breaker {a.Value.CircuitBreaker?.Name}"));
        Assert.All(model.Actors, a => Assert.True(a.Value.CircuitBreaker is null && a.Value.Retry is null, $"{file}: actor {a.Key} has a breaker or retry"));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Invocation_retries_repeat_no_4xx_and_no_500(string file)
    {
        foreach (var (app, policies) in Load(file).Apps.Where(a => a.Value.Retry is not null))
        {
            var retry = policies.Retry!;
            Assert.All(Enumerable.Range(400, 100).Append(500), status =>
                Assert.False(retry.ShouldRetry(status), $"{file}: app {app}'s retry {retry.Name} repeats {status}"));
            Assert.True(retry.ShouldRetry(503), $"{file}: app {app}'s retry {retry.Name} should repeat 503");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_app_the_gateway_routes_to_has_a_timeout(string file)
    {
        var model = Load(file);
        Assert.All(PublicRoutes.AppByPrefix.Values.Distinct(), app =>
            Assert.True(model.Apps.TryGetValue(app, out var p) && p.Timeout is not null, $"{file}: app {app} has no timeout"));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ShopDapr.sln")))
                return dir.FullName;
        throw new InvalidOperationException("ShopDapr.sln not found above " + AppContext.BaseDirectory);
    }
}
