namespace ShopDapr.LoadGen.Capacity;

/// <summary>
/// A day's orders/s: a typical web shop's hourly shape (quiet at night, a lunchtime bump, the peak in the evening) scaled
/// to <paramref name="Peak"/>, and a flash sale at <paramref name="SaleStart"/>: <paramref name="SaleFactor"/> × the peak,
/// reached within a minute (everyone opens the same e-mail), for <paramref name="SaleLength"/>.
/// </summary>
public sealed record TrafficCurve(double Peak, TimeSpan SaleStart, TimeSpan SaleLength, double SaleFactor)
{
    /// <summary>Share of the peak at each hour of the day (0:00 … 23:00), linearly interpolated in between.</summary>
    public static readonly double[] HourlyShape =
        [0.25, 0.15, 0.10, 0.08, 0.08, 0.10, 0.18, 0.30, 0.42, 0.50, 0.55, 0.60, 0.65, 0.62, 0.60, 0.62, 0.66, 0.72, 0.80, 0.92, 1.00, 0.95, 0.75, 0.45];

    public static readonly TimeSpan SaleRamp = TimeSpan.FromMinutes(1);

    public double OrdersPerSecond(TimeSpan at)
    {
        var hours = at.TotalHours % 24;
        var h = (int)Math.Floor(hours);
        var daily = Peak * (HourlyShape[h] + (HourlyShape[(h + 1) % 24] - HourlyShape[h]) * (hours - h));
        var intoSale = at - SaleStart;
        if (intoSale < TimeSpan.Zero || intoSale >= SaleLength)
            return daily;
        var sale = Peak * SaleFactor * Math.Min(1, intoSale / SaleRamp);
        return Math.Max(daily, sale);
    }
}
