using System.ComponentModel.DataAnnotations;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.ServiceDefaults.Tests;

public sealed class TimeSpanRangeAttributeTests
{
    private sealed class Options
    {
        [TimeSpanRange("00:00:01", "01:00:00")]
        public TimeSpan Interval { get; set; }
    }

    [Theory]
    [InlineData("00:00:01", true)]
    [InlineData("01:00:00", true)]
    [InlineData("00:00:00.999", false)]
    [InlineData("01:00:01", false)]
    public void Bounds_are_inclusive_and_a_miss_names_the_field_and_both_bounds(string interval, bool valid)
    {
        var options = new Options { Interval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };
        var results = new List<ValidationResult>();
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        if (!valid)
            Assert.Equal("The field Interval must be between 00:00:01 and 01:00:00.", Assert.Single(results).ErrorMessage);
    }

    [Fact]
    public void Many_threads_validating_at_once_all_get_an_answer()
    {
        // [Range(typeof(TimeSpan), ...)] threw InvalidCastException here when two hosts validated at once.
        var answers = Enumerable.Range(0, 64).AsParallel().AsOrdered().Select(i =>
        {
            var options = new Options { Interval = TimeSpan.FromSeconds(i) };
            return Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true);
        }).ToList();
        Assert.Equal(Enumerable.Range(0, 64).Select(i => i >= 1), answers);
    }
}
