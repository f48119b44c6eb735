using ShopDapr.LoadGen.Cli;

return await LoadGenCommand.RunAsync(args, configuration: null, CancellationToken.None);
