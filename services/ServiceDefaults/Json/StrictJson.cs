using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace ShopDapr.ServiceDefaults.Json;

/// <summary>
/// How every app reads JSON request bodies. ASP.NET Core's web defaults read a number sent as a string
/// (<c>"quantity":"2"</c>) as the number; a public API that says "a number" takes a JSON number only, so a string is a
/// 400 like any other wrong type. Everything else stays as the web defaults have it (camelCase, case-insensitive names).
/// </summary>
public static class StrictJson
{
    public static IServiceCollection AddStrictJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
}
