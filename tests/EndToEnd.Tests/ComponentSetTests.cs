namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// The suite really runs on the component set it was given (<see cref="ComponentSet"/>): what the shop stored is in that
/// set's own store, and nothing went to another. Without it a run on the Redis set that quietly fell back to the local
/// SQLite file would pass every other test.
/// </summary>
public sealed class ComponentSetTests(ShopFixture shop)
{
    [Fact]
    public async Task The_shop_keeps_its_state_in_the_store_of_its_component_set()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = await StateStoreDump.ReadAsync(shop.WorkDir, ct);

        // The catalog seeded its demo products before the fixture called the shop ready.
        Assert.Contains(state.Keys, key => key.StartsWith("catalog||product-", StringComparison.Ordinal));
        var sqliteFiles = Directory.GetFiles(shop.WorkDir, "*.db", SearchOption.AllDirectories);
        if (ComponentSet.Name == ComponentSet.Local)
            Assert.Single(sqliteFiles);
        else
            Assert.Empty(sqliteFiles);
    }
}
