namespace ShopDapr.ServiceDefaults;

/// <summary>
/// Every name the services share: Dapr components, topics, app ids, roles and claim types.
/// A service never re-types one of these strings.
/// </summary>
public static class ShopNames
{
    /// <summary>Dapr component names (metadata.name in components/*).</summary>
    public static class Components
    {
        public const string StateStore = "statestore";

        /// <summary>
        /// The same backend as <see cref="StateStore"/> (same keys), defined a second time with Dapr's transactional outbox
        /// on <see cref="Topics.UserBehavior"/>: what cart and identity save through it announces itself (see
        /// <c>Events.OutboxPublishing</c>). A second name, because daprd refuses two components of one name for an app
        /// even when their scopes differ, and the outbox publishes every transaction of its store to one topic.
        /// </summary>
        public const string UserBehaviorStateStore = "statestore-user-behavior";

        /// <summary>
        /// The same backend again, with the outbox on <see cref="Topics.OrderEvents"/>, for shipping: a shipment's status
        /// change and its event (ShipmentCreated, ShipmentCancelled, ShipmentDelivered) commit in one transaction. Its own
        /// name for the reasons of <see cref="UserBehaviorStateStore"/>: one outbox topic per store, one name per component.
        /// </summary>
        public const string OrderEventsStateStore = "statestore-order-events";
        public const string PubSub = "pubsub";
        public const string SecretStore = "secretstore";

        /// <summary>Dapr's cryptography building block: the master key that wraps the keys app's key material.</summary>
        public const string Crypto = "crypto";

        /// <summary>Dapr's cryptography building block for the web app: the key that protects its data-protection key ring at rest.</summary>
        public const string WebCrypto = "crypto-web";
        public const string RetrainSchedule = "retrain-schedule";
        public const string Mail = "mail";
    }

    /// <summary>Pub/sub topics on <see cref="Components.PubSub"/>.</summary>
    public static class Topics
    {
        public const string CatalogEvents = "catalog-events";
        public const string OrderEvents = "order-events";
        public const string UserBehavior = "user-behavior";
        public const string InventoryEvents = "inventory-events";
        public const string DeadLetter = "deadletter";
    }

    /// <summary>Dapr app ids (dapr.yaml appID), one per service.</summary>
    public static class AppIds
    {
        public const string Gateway = "gateway";
        public const string Identity = "identity";
        public const string Keys = "keys";
        public const string Catalog = "catalog";
        public const string Cart = "cart";
        public const string Ordering = "ordering";
        public const string Payment = "payment";
        public const string Inventory = "inventory";
        public const string Shipping = "shipping";
        public const string Analytics = "analytics";
        public const string Notifications = "notifications";
        public const string Web = "web";
    }

    /// <summary>Roles carried in the <see cref="ClaimTypes.Role"/> claim of an access token.</summary>
    public static class Roles
    {
        public const string Customer = "customer";
        public const string Admin = "admin";
    }

    /// <summary>Authorization policy names.</summary>
    public static class Policies
    {
        public const string Customer = "customer";
        public const string Admin = "admin";

        /// <summary>The call comes from the Dapr sidecar with the app API token (Dapr.AspNetCore's policy).</summary>
        public const string DaprSidecar = "Dapr";
    }

    /// <summary>Claim types of ShopDapr access tokens (JWT registered names; inbound claim mapping is off).</summary>
    public static class ClaimTypes
    {
        public const string Subject = "sub";
        public const string Email = "email";
        public const string Name = "name";
        public const string Role = "role";
        public const string TokenId = "jti";
    }

    /// <summary>HTTP header names of the Dapr protocol, and the shop's own between the gateway and the apps.</summary>
    public static class Headers
    {
        public const string DaprAppId = "dapr-app-id";
        public const string DaprApiToken = "dapr-api-token";

        /// <summary>The calling app's id, set by the called app's sidecar on every service invocation.</summary>
        public const string DaprCallerAppId = "dapr-caller-app-id";

        /// <summary>
        /// The public client's IP address as the gateway saw it (after trusted proxies' X-Forwarded-For). The gateway sets
        /// it on every call it forwards, overwriting anything a client sent; an app may trust it only on calls that came
        /// through its sidecar with the app API token (so from the gateway, by access control).
        /// </summary>
        public const string ClientAddress = "x-shopdapr-client-address";
    }
}
