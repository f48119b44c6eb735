using System.CommandLine;
using ShopDapr.DevSidecar.Cli;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.Cli;

public sealed class RunFileParserTests : IDisposable
{
    private readonly TempDir _dir = new();

    public RunFileParserTests()
    {
        Directory.CreateDirectory(_dir.File("catalog"));
        Directory.CreateDirectory(_dir.File("cart"));
        Directory.CreateDirectory(_dir.File("home/.dapr/components"));
    }

    /// <summary>A home folder with what `dapr init` writes: ~/.dapr/components.</summary>
    private string Home => _dir.File("home");

    public void Dispose() => _dir.Dispose();

    private string Write(string yaml)
    {
        File.WriteAllText(_dir.File("dapr.yaml"), yaml);
        return _dir.File("dapr.yaml");
    }

    private ResourceException Broken(string yaml) => Assert.Throws<ResourceException>(() => RunFileParser.Load(Write(yaml), Home));

    [Theory]
    [InlineData("apps:\n  - appDirPath: catalog\n", "version", "is required")]
    [InlineData("version: 2\napps:\n  - appDirPath: catalog\n", "version", "'2' is not supported")]
    [InlineData("version: 1\n", "apps", "is required")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n  - appID: cart\n", "apps[1].appDirPath", "is required")]
    [InlineData("version: 1\napps:\n  - appDirPath: ./missing\n", "apps[0].appDirPath", "folder './missing' does not exist")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    appPort: http\n", "apps[0].appPort", "'http' is not a port")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    appPort: 70000\n", "apps[0].appPort", "'70000' is not a port")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    daprHTTPPort: x\n", "apps[0].daprHTTPPort", "'x' is not a port")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    daprGRPCPort: 0\n", "apps[0].daprGRPCPort", "'0' is not a port")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    command: dotnet run\n", "apps[0].command", "must be a list")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    command: [\"dotnet\", [\"run\"]]\n", "apps[0].command[1]", "must be a string")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    appProtocol: ftp\n", "apps[0].appProtocol", "'ftp' is not one of")]
    [InlineData("version: 1\ncommon:\n  appProtocol: ftp\napps:\n  - appDirPath: catalog\n", "apps[0].appProtocol", "'ftp' is not one of")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    appLogDestination: syslog\n", "apps[0].appLogDestination", "'syslog' is not one of console, file, fileAndConsole")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    daprdLogDestination: none\n", "apps[0].daprdLogDestination", "'none' is not one of")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    resourcesPaths: [./components]\n", "apps[0].resourcesPaths[0]", "folder './components' does not exist")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    resourcesPath: ./components\n", "apps[0].resourcesPath", "does not exist")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n    configFilePath: config.yaml\n", "apps[0].configFilePath", "file 'config.yaml' does not exist")]
    [InlineData("version: 1\ncommon:\n  resourcesPath: ./components\napps:\n  - appDirPath: catalog\n", "common.resourcesPath", "does not exist")]
    [InlineData("version: 1\ncommon:\n  configFilePath: ./config.yaml\napps:\n  - appDirPath: catalog\n", "common.configFilePath", "does not exist")]
    [InlineData("version: 1\napps:\n  - appDirPath: catalog\n   appPort: 1\n", "line 4, column 4", "")]
    public void A_broken_field_is_named_with_the_file(string yaml, string field, string problem)
    {
        var error = Broken(yaml);

        Assert.Equal(_dir.File("dapr.yaml"), error.File);
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem);
        Assert.StartsWith($"{error.File}: {field}: ", error.Message);
    }

    [Fact]
    public void A_folder_without_dapr_yaml_is_reported()
    {
        var error = Assert.Throws<ResourceException>(() => RunFileParser.Load(_dir.File("catalog")));

        Assert.Equal(Path.Combine(_dir.File("catalog"), "dapr.yaml"), error.File);
        Assert.Contains("no dapr.yaml", error.Problem);
    }

    [Fact]
    public void Defaults_and_precedence_follow_the_dapr_cli()
    {
        Directory.CreateDirectory(_dir.File("components"));
        Directory.CreateDirectory(_dir.File("catalog/.dapr/resources"));
        File.WriteAllText(_dir.File("catalog/.dapr/config.yaml"), "kind: Configuration");
        Directory.CreateDirectory(_dir.File("cart/own"));
        var apps = RunFileParser.Load(Write("""
            version: 1
            common:
              resourcesPath: ./components
              env:
                SHARED: common
                LEVEL: common
            apps:
              - appDirPath: ./catalog/
                appPort: 5001
              - appID: basket
                appDirPath: cart
                resourcesPaths: [own]
                daprHTTPPort: 3601
                command: ["dotnet", "run"]
                env:
                  LEVEL: app
            """));

        var catalog = apps[0];
        Assert.Equal("catalog", catalog.AppId);
        Assert.Equal(_dir.File("catalog"), catalog.AppDirPath);
        Assert.Equal([_dir.File("catalog/.dapr/resources")], catalog.ResourcesPaths);
        Assert.Equal(_dir.File("catalog/.dapr/config.yaml"), catalog.ConfigFile);
        Assert.Equal(5001, catalog.AppPort);
        Assert.Equal(0, catalog.DaprHttpPort);
        Assert.Empty(catalog.Command);
        Assert.Equal(LogDestination.FileAndConsole, catalog.AppLogDestination);
        Assert.Equal(LogDestination.File, catalog.DaprdLogDestination);

        var cart = apps[1];
        Assert.Equal("basket", cart.AppId);
        Assert.Equal([_dir.File("cart/own")], cart.ResourcesPaths);
        Assert.Null(cart.ConfigFile);
        Assert.Equal(3601, cart.DaprHttpPort);
        Assert.Equal(["dotnet", "run"], cart.Command);
        Assert.Equal("common", cart.Env["SHARED"]);
        Assert.Equal("app", cart.Env["LEVEL"]);
    }

    [Fact]
    public void An_app_with_no_resources_path_loads_the_dapr_cli_default_folder()
    {
        var apps = RunFileParser.Load(Write("version: 1\napps:\n  - appDirPath: catalog\n"), Home);

        Assert.Equal([Path.Combine(Home, ".dapr", "components")], apps[0].ResourcesPaths);
    }

    [Fact]
    public void A_missing_default_folder_is_an_error_naming_it()
    {
        var home = _dir.File("fresh-home");

        var error = Assert.Throws<ResourceException>(() => RunFileParser.Load(Write("version: 1\napps:\n  - appDirPath: catalog\n"), home));

        Assert.Equal("apps[0].resourcesPath", error.Field);
        Assert.Contains(Path.Combine(home, ".dapr", "components"), error.Problem);
        Assert.Contains("does not exist", error.Problem);
        Assert.Contains("dapr init", error.Problem);
    }

    [Fact]
    public async Task Run_with_a_broken_file_prints_file_and_field_and_exits_2()
    {
        Directory.CreateDirectory(_dir.File("components"));
        var file = Write("version: 1\ncommon:\n  resourcesPath: components\napps:\n  - appDirPath: catalog\n  - appDirPath: cart\n  - appID: orders\n");
        var output = new LinesWriter();

        var code = await DevSidecarCommand.RunAsync(["run", "-f", _dir.Path], new InvocationConfiguration { Output = output, Error = output }, TestContext.Current.CancellationToken);

        Assert.Equal(2, code);
        Assert.Contains($"error: {file}: apps[2].appDirPath: is required", output.Text);
    }
}
