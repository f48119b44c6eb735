using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Admin;

/// <summary>What analytics sees: the products trending in the last hour or day, and the recommendation model's versions with their metrics.</summary>
public sealed class AnalyticsModel(ShopApi api, AccessTokenCookie token) : AdminPage(api, token)
{
    public static readonly string[] Windows = ["hour", "day"];

    public const int TrendingShown = 10;

    [BindProperty(SupportsGet = true)] public string Window { get; set; } = "day";

    public IReadOnlyList<ProductPick>? Trending { get; private set; }

    public IReadOnlyList<ModelSummary>? Models { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (!Windows.Contains(Window))
            Window = "day";
        if (!await IsAdminAsync(ct))
            return Page();
        var trending = Api.TrendingAsync(Window, TrendingShown, ct);
        var models = Api.ModelsAsync(ct);
        if (Take(await trending) is { } picks)
            Trending = await Api.ResolveAsync(picks.Items, ct);
        Models = Take(await models)?.Items;
        return Page();
    }

    public BarChart TrendingChart => new("trending-chart", $"Trending products, last {Window}, by score",
        [.. (Trending ?? []).Select(t => new Bar(t.Product.Name, t.Pick.Score, BarChart.Number(t.Pick.Score)))]);

    /// <summary>Oldest first, so the chart reads as the model's history.</summary>
    public BarChart MetricChart(string id, string title, Func<RankingMetrics, double> metric) => new(id, title,
        [.. (Models ?? []).Reverse().Select(m => new Bar(m.Version, metric(m.Metrics), Percent(metric(m.Metrics))))], FixedScale: 1);

    public static string Percent(double rate) => rate.ToString("P1", System.Globalization.CultureInfo.InvariantCulture);
}
