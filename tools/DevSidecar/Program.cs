using ShopDapr.DevSidecar.Cli;

return await DevSidecarCommand.RunAsync(args);
