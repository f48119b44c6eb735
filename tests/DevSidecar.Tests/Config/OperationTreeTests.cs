using ShopDapr.DevSidecar.Config;

namespace ShopDapr.DevSidecar.Tests.Config;

public sealed class OperationTreeTests
{
    [Theory]
    [InlineData("/orders/*", "/orders/1", true)]
    [InlineData("/orders/*", "/orders/1/lines", false)]
    [InlineData("/orders/**", "/orders/1/lines", true)]
    [InlineData("/orders/**", "/orders", true)]
    [InlineData("/orders", "/orders", true)]
    [InlineData("/orders", "/orders/1", true)]
    [InlineData("/orders", "/order", false)]
    [InlineData("/ord*", "/orders", true)]
    [InlineData("/ord*s/1", "/orders/1", true)]
    [InlineData("/a/*/c", "/a/b/c", false)]
    [InlineData("/a/**/c", "/a/b/c", true)]
    [InlineData("/*", "/anything", true)]
    [InlineData("/*", "/two/levels", false)]
    public void Operation_names_match_as_daprds_trie(string pattern, string operation, bool matches)
    {
        var tree = new OperationTree<string>();
        tree.Add(pattern, pattern);

        Assert.Equal(matches ? pattern : null, tree.Find(operation));
    }

    [Fact]
    public void The_first_declared_operation_that_matches_wins_as_in_daprd()
    {
        var wildcardFirst = new OperationTree<string>();
        wildcardFirst.Add("/orders/*", "wildcard");
        wildcardFirst.Add("/orders/*", "duplicate");
        wildcardFirst.Add("/orders/special", "special");
        var specificFirst = new OperationTree<string>();
        specificFirst.Add("/orders/special", "special");
        specificFirst.Add("/orders/*", "wildcard");

        Assert.Equal("wildcard", wildcardFirst.Find("/orders/1"));
        Assert.Equal("wildcard", wildcardFirst.Find("/orders/special"));
        Assert.Equal("special", specificFirst.Find("/orders/special"));
        Assert.Equal("wildcard", specificFirst.Find("/orders/2"));
    }
}
