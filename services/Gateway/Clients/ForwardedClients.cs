using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ShopDapr.Gateway.Clients;

/// <summary>
/// Who the client is: the connection's address, or — only when the connection comes from a configured proxy
/// (<see cref="GatewayOptions.KnownProxies"/>, <see cref="GatewayOptions.KnownNetworks"/>) — the address that proxy puts
/// in <c>X-Forwarded-For</c>, read from the right and stopping at the first hop that is not a known proxy. So per-client
/// rate limits and identity's login throttle still see each client behind an ingress, while a client that sends the
/// header itself gains nothing. ASP.NET Core's default trust of loopback is dropped: nothing is trusted unless configured.
/// </summary>
public static class ForwardedClients
{
    public static IServiceCollection AddForwardedClients(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayOptions>>((o, gateway) =>
        {
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            // With both lists empty the middleware would believe ANY sender's header: read none instead.
            var trusted = gateway.Value.KnownProxies.Length + gateway.Value.KnownNetworks.Length > 0;
            o.ForwardedHeaders = trusted ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None;
            o.ForwardLimit = null; // every trusted hop, however many; the first untrusted one is the client
            foreach (var proxy in gateway.Value.KnownProxies)
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in gateway.Value.KnownNetworks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return services;
    }

    /// <summary>The client's address as text (an IPv4 client on a dual-stack socket as plain IPv4), or null when unknown.</summary>
    public static string? Address(HttpContext http) => http.Connection.RemoteIpAddress is { } address
        ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
        : null;
}
