using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ShopDapr.DevSidecar.Tests.Hosting;

public sealed class FileWatchingTests
{
    [Fact]
    public async Task A_sidecar_watches_no_files_of_the_working_directory()
    {
        // Each sidecar of a run used to watch its content root (the working directory, e.g. the repo root) recursively for
        // appsettings changes, so every SQLite write under .data/ woke every sidecar.
        await using var dapr = await TestSidecar.StartAsync(new Dictionary<string, string>());
        var environment = dapr.Sidecar.Services.GetRequiredService<IHostEnvironment>();
        var configuration = (IConfigurationRoot)dapr.Sidecar.Services.GetRequiredService<IConfiguration>();

        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(environment.ContentRootPath));
        var files = configuration.Providers.OfType<JsonConfigurationProvider>().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, p => Assert.False(p.Source.ReloadOnChange, $"{p.Source.Path} is watched"));
    }
}
