using ShopDapr.Bench;

// In-process figures for the dev sidecar: state round trips, pub/sub delivery, idle footprint.
//   dotnet run -c Release --project bench/Sidecar.Bench -- state|pubsub|footprint [seconds] | workflows [count] [sqlite|memory]
var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
return args.FirstOrDefault() switch
{
    "state" => await StateBench.RunAsync(seconds),
    "pubsub" => await PubSubBench.RunAsync(seconds),
    "footprint" => await FootprintBench.RunAsync(),
    "workflows" => await WorkflowBench.RunAsync(seconds, args.Length > 2 ? args[2] : "sqlite"),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Sidecar.Bench state|pubsub|footprint [seconds] | workflows [count] [sqlite|memory]");
    return 2;
}
