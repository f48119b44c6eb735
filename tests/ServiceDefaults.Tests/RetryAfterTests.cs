using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.ServiceDefaults.Tests;

public sealed class RetryAfterTests
{
    [Theory]
    [InlineData(0, "1", "1 second")]
    [InlineData(200, "1", "1 second")]
    [InlineData(1000, "1", "1 second")]
    [InlineData(1001, "2", "2 seconds")]
    [InlineData(299_400, "300", "300 seconds")]
    public void A_wait_is_told_in_whole_seconds_at_least_one_and_in_words_that_agree(int milliseconds, string header, string words)
    {
        var wait = TimeSpan.FromMilliseconds(milliseconds);
        Assert.Equal(header, RetryAfter.Header(wait));
        Assert.Equal(words, RetryAfter.Words(wait));
    }
}
