using ShopDapr.Catalog.DemoData;
using ShopDapr.Catalog.Domain;
using ShopDapr.Catalog.Search;

namespace ShopDapr.Catalog.Tests.Search;

public sealed class ProductIndexTests : IDisposable
{
    private readonly ProductIndex _index = new();

    private readonly Product _runningShoes = Make("Stridewell Cushioned Running Shoes R10", "footwear", "Stridewell", "Great for marathon training.");
    private readonly Product _runShoe = Make("Peakstep Trail Run Shoe T20", "footwear", "Peakstep", "A shoe to run the hills.");
    private readonly Product _headphones = Make("Sonora Wireless Headphones H30", "audio", "Sonora", "Deep bass for long flights.");
    private readonly Product _speakerMentioningRunning = Make("Echofield Bluetooth Speaker S40", "audio", "Echofield", "Loud enough for running in the park and shoes off at the beach.");
    private readonly Product _kettle = Make("Copperleaf Electric Kettle K50", "kitchen", "Copperleaf", "Boils water fast.");

    public ProductIndexTests() => _index.Rebuild([_runningShoes, _runShoe, _headphones, _speakerMentioningRunning, _kettle]);

    public void Dispose() => _index.Dispose();

    [Theory]
    [InlineData("running shoes")]
    [InlineData("run shoe")]
    [InlineData("RUNS SHOE'S")]
    public void Stemming_makes_word_forms_find_each_other(string q)
    {
        var ids = Ids(_index.Search(q, 1, 10));
        Assert.Contains(_runningShoes.Id, ids);
        Assert.Contains(_runShoe.Id, ids);
        Assert.DoesNotContain(_kettle.Id, ids);
    }

    [Fact]
    public void A_match_in_the_name_ranks_above_one_in_the_description()
    {
        var ids = Ids(_index.Search("running shoes", 1, 10));
        Assert.Equal(3, ids.Count);
        Assert.Equal(_speakerMentioningRunning.Id, ids[^1]);
    }

    [Theory]
    [InlineData("headphnes")]
    [InlineData("hedphones")]
    [InlineData("wireles headphone")]
    public void Typos_still_find_the_product(string q) =>
        Assert.Equal(_headphones.Id, Ids(_index.Search(q, 1, 10)).First());

    [Theory]
    [InlineData("pwsome")]
    [InlineData("Pwsome cat")]
    [InlineData("pawsme")]
    public void A_typo_that_changes_how_the_word_stems_still_finds_the_product(string q)
    {
        // "pawsome" stems to "pawsom"; "pwsome" keeps its e (the stemmer's rule for short words), two edits from it.
        var catTree = Make("Pawsome Cat Tree C60", "pets", "Pawsome", "Sisal posts and a hammock.");
        _index.Upsert(catTree);
        Assert.Equal(catTree.Id, Ids(_index.Search(q, 1, 10)).First());
    }

    [Fact]
    public void Every_demo_product_is_found_by_its_first_long_name_word_with_a_letter_missing()
    {
        // What a shopper's typo looks like (the storefront test types the same): the second letter dropped.
        var demo = DemoCatalogGenerator.Generate();
        _index.Rebuild(demo);
        var names = demo.ToDictionary(p => p.Id, p => p.Name);
        var missed = new List<string>();
        foreach (var word in demo.Select(p => p.Name.Split(' ').FirstOrDefault(w => w.Length >= 5 && w.All(char.IsLetter))).OfType<string>().Distinct())
        {
            var typo = word.Remove(1, 1);
            if (!_index.Search(typo, 1, 12).Hits.Any(h => names[h.ProductId].Contains(word, StringComparison.OrdinalIgnoreCase)))
                missed.Add($"{typo} (for {word})");
        }
        Assert.True(missed.Count == 0, $"not found on the first page: {string.Join(", ", missed)}");
    }

    [Fact]
    public void Every_word_must_match()
    {
        Assert.Empty(_index.Search("headphones kettle", 1, 10).Hits);
        Assert.Equal(0, _index.Search("headphones kettle", 1, 10).Total);
    }

    [Theory]
    [InlineData("the and of")]
    [InlineData("!!! ???")]
    public void Text_with_nothing_searchable_finds_nothing(string q) => Assert.Same(SearchResults.Empty, _index.Search(q, 1, 10));

    [Fact]
    public void The_longest_allowed_gibberish_is_searched_quickly_and_finds_nothing()
    {
        var words = string.Join(' ', Enumerable.Range(0, 20).Select(i => $"zq{i:D2}xwvut"));
        var started = System.Diagnostics.Stopwatch.StartNew();

        Assert.Equal(0, _index.Search(new string('q', 200), 1, 10).Total);
        Assert.Equal(0, _index.Search(words[..Math.Min(words.Length, 200)], 1, 10).Total);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Fact]
    public void Facets_count_all_matches_not_only_the_page()
    {
        var result = _index.Search("running", 1, 1);

        Assert.Single(result.Hits);
        Assert.Equal(3, result.Total);
        Assert.Equal([new FacetValue("footwear", 2), new FacetValue("audio", 1)], result.Facets.Categories);
        Assert.Equal(["Echofield", "Peakstep", "Stridewell"], result.Facets.Brands.Select(b => b.Value));
        Assert.All(result.Facets.Brands, b => Assert.Equal(1, b.Count));
    }

    [Fact]
    public void Facet_counts_match_a_count_over_the_demo_catalog()
    {
        var demo = DemoCatalogGenerator.Generate(2000, seed: 3);
        _index.Rebuild(demo);

        var result = _index.Search("headphones", 1, 5);

        var expected = demo.Count(p => p.Name.Contains("Headphones", StringComparison.Ordinal) || p.Description.Contains("headphones", StringComparison.Ordinal));
        Assert.Equal(expected, result.Total);
        Assert.Equal(result.Total, result.Facets.Categories.Sum(c => c.Count));
        Assert.Equal(result.Total, result.Facets.Brands.Sum(c => c.Count));
    }

    [Fact]
    public void Pages_do_not_overlap_and_cover_every_hit()
    {
        _index.Rebuild(DemoCatalogGenerator.Generate(1000, seed: 5));
        var total = _index.Search("shoes", 1, 1).Total;
        Assert.True(total > 25, $"expected many shoes, got {total}");

        var seen = new List<Guid>();
        for (var page = 1; (page - 1) * 10 < total; page++)
            seen.AddRange(Ids(_index.Search("shoes", page, 10)));

        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count());
        Assert.Empty(_index.Search("shoes", (total / 10) + 2, 10).Hits);
    }

    [Fact]
    public void Upsert_and_remove_are_seen_by_the_next_search()
    {
        Assert.Empty(_index.Search("teapot", 1, 10).Hits);

        var renamed = _kettle with { Name = "Copperleaf Ceramic Teapot K50" };
        _index.Upsert(renamed);
        Assert.Equal([_kettle.Id], Ids(_index.Search("teapot", 1, 10)));
        Assert.Empty(_index.Search("kettle", 1, 10).Hits);
        Assert.Equal(5, _index.Count);

        _index.Remove(_kettle.Id);
        Assert.Empty(_index.Search("teapot", 1, 10).Hits);
        Assert.Equal(4, _index.Count);
    }

    [Fact]
    public async Task Concurrent_searches_and_writes_do_not_interfere()
    {
        var ct = TestContext.Current.CancellationToken;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
                _index.Upsert(Make($"Gadget {i}", "toys", "Brightbox", "A toy robot.") with { Id = new Guid(i + 1, 0, 0, new byte[8]) });
        }, ct);
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 100; i++)
                Assert.Contains(_headphones.Id, Ids(_index.Search("headphones", 1, 10)));
        }, ct));
        await Task.WhenAll(readers.Append(writer));

        Assert.Equal(200, _index.Search("gadget", 1, 10).Total);
    }

    private static List<Guid> Ids(SearchResults results) => results.Hits.Select(h => h.ProductId).ToList();

    private static Product Make(string name, string category, string brand, string description) => new()
    {
        Id = Guid.NewGuid(),
        Sku = "SKU-" + name.GetHashCode().ToString("X8", System.Globalization.CultureInfo.InvariantCulture),
        Name = name,
        Description = description,
        Category = category,
        Brand = brand,
        Price = new Money(10m, "USD"),
    };
}
