namespace ShopDapr.DevSidecar.Tests.Conformance;

/// <summary>secretstores.local.file: nested JSON flattened with ':' by default.</summary>
public sealed class SecretsConformanceTests
{
    [Theory]
    [MemberData(nameof(SidecarTarget.All), MemberType = typeof(SidecarTarget))]
    public async Task Nested_secrets_are_flattened_with_the_separator(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var secrets = dir.File("secrets.json");
        await File.WriteAllTextAsync(secrets, """{"db": {"password": "s3cret", "user": "shop"}, "apiKey": "k"}""", ct);
        var resources = Directory.CreateDirectory(dir.File("resources")).FullName;
        await File.WriteAllTextAsync(Path.Combine(resources, "secrets.yaml"),
            Yaml.Component("secretstore", "secretstores.local.file", ("secretsFile", secrets)), ct);
        await using var target = await SidecarTarget.StartAsync(kind, "conformance-secrets", resources);

        var password = await target.Client.GetSecretAsync("secretstore", "db:password", cancellationToken: ct);
        var all = await target.Client.GetBulkSecretAsync("secretstore", cancellationToken: ct);

        Assert.Equal("s3cret", password["db:password"]);
        Assert.Equal("k", all["apiKey"]["apiKey"]);
        Assert.Equal("shop", all["db:user"]["db:user"]);
    }
}
