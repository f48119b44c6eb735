using System.Net;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Identity.Api;

/// <summary>The client a login attempt comes from (its IP address), for throttling per (account, client).</summary>
internal static class LoginClient
{
    /// <summary>
    /// The public client's address from <see cref="ShopNames.Headers.ClientAddress"/>. Trusting the header is safe here
    /// because a call only reaches identity's routes through its sidecar with the app API token (AppApiTokenMiddleware),
    /// and access control lets only the gateway invoke <c>/api/**</c>; the gateway sets the header on every call it
    /// forwards, overwriting whatever the client sent, from the connection's address (or a configured proxy's
    /// X-Forwarded-For). Without the header (a call that did not come through the gateway) the caller's own address counts.
    /// </summary>
    public static string Of(HttpContext http)
    {
        if (IPAddress.TryParse(http.Request.Headers[ShopNames.Headers.ClientAddress].ToString(), out var forwarded))
            return Text(forwarded);
        return http.Connection.RemoteIpAddress is { } remote ? Text(remote) : "unknown";
    }

    private static string Text(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
