using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace ShopDapr.ServiceDefaults.Configuration;

/// <summary>
/// A <see cref="TimeSpan"/> option between two bounds, inclusive. Instead of <c>[Range(typeof(TimeSpan), min, max)]</c>:
/// that attribute converts its string bounds lazily, on first use, and two hosts validating the same options type at
/// once (test servers started in parallel) raced in it ("Unable to cast object of type 'System.TimeSpan' to type
/// 'System.String'"). Here the bounds are parsed once, in the constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum)
    : ValidationAttribute("The field {0} must be between {1} and {2}.")
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    public override bool IsValid(object? value) => value is not TimeSpan t || (t >= Minimum && t <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
