using ShopDapr.LoadGen.Shop;

namespace ShopDapr.LoadGen.Load;

/// <summary>Runs one journey for a shopper and empties the cart a failed journey may have left, so the next starts clean.</summary>
internal sealed class ShopperLoop(ShopperJourney journey, ShopApi api, TextWriter log)
{
    private int _cleanupFailuresLogged;

    public async Task RunOnceAsync(Shopper shopper, Random random, CancellationToken ct)
    {
        if (await journey.RunAsync(shopper, random, ct))
            return;
        try
        {
            await api.ClearCartAsync(shopper.Token, ct);
        }
        catch (StepFailedException e) when (Interlocked.Increment(ref _cleanupFailuresLogged) <= 3)
        {
            log.WriteLine($"warning: could not empty {shopper.Email}'s cart after a failed journey: {e.Message}");
        }
        catch (StepFailedException)
        {
            // reported three times already; the next journey adds to the cart anyway
        }
    }
}
