using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShopDapr.Web.Infrastructure;

namespace ShopDapr.Web.KeyRing.Tests;

/// <summary>
/// The web replicas' one data-protection key ring, in the state store behind their sidecar and encrypted at rest by its
/// cryptography component: a form one replica renders posts to another, a restart keeps the ring, two replicas that
/// append at once both keep their key, and no key is stored in the clear.
/// </summary>
public sealed class SharedKeyRingTests
{
    private const string RingKey = "data-protection-keys";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_form_rendered_by_one_replica_is_accepted_by_another_and_refused_by_a_replica_with_another_ring()
    {
        await using var sidecar = await WebSidecar.StartAsync(Ct);
        await using var a = new WebReplica(sidecar);
        await using var b = new WebReplica(sidecar);

        var form = await a.RenderFormAsync(Ct);

        Assert.Equal(HttpStatusCode.Redirect, await b.PostSignOutAsync(form, Ct));
        Assert.Equal(HttpStatusCode.Redirect, await a.PostSignOutAsync(form, Ct));
        // The same form at a replica whose store holds another ring: its antiforgery check fails, as it did for every
        // replica before the ring was shared.
        await using var elsewhere = await WebSidecar.StartAsync(Ct);
        await using var stranger = new WebReplica(elsewhere);
        Assert.Equal(HttpStatusCode.BadRequest, await stranger.PostSignOutAsync(form, Ct));
    }

    [Fact]
    public async Task A_restarted_replica_keeps_the_ring_and_accepts_the_forms_rendered_before()
    {
        await using var sidecar = await WebSidecar.StartAsync(Ct);
        RenderedForm form;
        Guid keyBefore;
        await using (var before = new WebReplica(sidecar))
        {
            form = await before.RenderFormAsync(Ct);
            keyBefore = Assert.Single(before.Services.GetRequiredService<IKeyManager>().GetAllKeys()).KeyId;
        }

        await using var after = new WebReplica(sidecar);
        Assert.Equal(HttpStatusCode.Redirect, await after.PostSignOutAsync(form, Ct));
        Assert.Equal(keyBefore, Assert.Single(after.Services.GetRequiredService<IKeyManager>().GetAllKeys()).KeyId);
        Assert.Single(StoredRing(sidecar).Elements);
    }

    [Fact]
    public async Task The_stored_ring_holds_each_key_encrypted_and_none_in_the_clear()
    {
        await using var sidecar = await WebSidecar.StartAsync(Ct);
        await using var replica = new WebReplica(sidecar);
        await replica.RenderFormAsync(Ct);

        // The key's secret as data protection holds it in memory, unwrapped.
        var key = Assert.Single(replica.Services.GetRequiredService<IKeyManager>().GetAllKeys());
        var secret = key.Descriptor.ExportToXml().SerializedDescriptorElement.Descendants("masterKey").Single().Element("value")!.Value;
        Assert.True(secret.Length >= 40, "a master key of at least 256 bits, base64");

        var row = sidecar.Dapr.Snapshot()[RingKey].Json;
        var stored = XElement.Parse(Assert.Single(StoredRing(sidecar).Elements).Xml);
        Assert.Equal(key.KeyId, Guid.Parse(stored.Attribute("id")!.Value));
        Assert.Empty(stored.Descendants("masterKey"));
        var encrypted = Assert.Single(stored.Descendants(DaprXmlDecryptor.ElementName));
        Assert.Equal(WebSidecar.KeyName, encrypted.Attribute(DaprXmlDecryptor.KeyNameAttribute)?.Value);
        Assert.DoesNotContain(secret, row, StringComparison.Ordinal);
        Assert.DoesNotContain(secret.Replace("+", "\\u002B", StringComparison.Ordinal), row, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(secret)), row, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Two_replicas_appending_at_once_both_keep_their_element()
    {
        await using var sidecar = await WebSidecar.StartAsync(Ct);
        var options = Options.Create(new WebOptions());
        var rival = new DaprXmlRepository(sidecar.Dapr.Client, options, NullLogger<DaprXmlRepository>.Instance);
        var interleaved = 0;
        // The first replica read the ring (empty) and is about to write it: the second appends its element in between.
        var racing = sidecar.Dapr.CreateClient(async (method, _) =>
        {
            if (method == "SaveState" && Interlocked.Exchange(ref interleaved, 1) == 0)
                await Task.Run(() => rival.StoreElement(new XElement("key", new XAttribute("id", "second")), "second"), Ct);
        });
        var first = new DaprXmlRepository(racing, options, NullLogger<DaprXmlRepository>.Instance);

        await Task.Run(() => first.StoreElement(new XElement("key", new XAttribute("id", "first")), "first"), Ct);

        Assert.Equal(1, interleaved);
        Assert.Equal(["second", "first"], StoredRing(sidecar).Elements.Select(e => e.Name));
        Assert.Equal(["second", "first"], rival.GetAllElements().Select(e => e.Attribute("id")!.Value));
    }

    private static DaprXmlRepository.KeyRing StoredRing(WebSidecar sidecar) =>
        JsonSerializer.Deserialize<DaprXmlRepository.KeyRing>(sidecar.Dapr.Snapshot()[RingKey].Json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
}
