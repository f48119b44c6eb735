using System.Xml.Linq;
using Dapr.Client;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Web.Infrastructure;

/// <summary>
/// The data-protection key ring in the Dapr state store, one entry every replica reads, so a form (its antiforgery
/// token and cookie) rendered by one replica is accepted by another, and a restart keeps the keys. An append reads the
/// ring with its ETag and writes it back only if no one wrote in between (the first write only if the entry is still
/// absent); a replica that lost the race reads again and appends to what the winner wrote, so two replicas that start at
/// once both keep their key. The elements arrive already encrypted (<see cref="DaprXmlEncryptor"/>): no key is stored in
/// the clear. The ring grows by one key per key lifetime (90 days by default), a few a year.
/// </summary>
/// <remarks>
/// <see cref="IXmlRepository"/> is synchronous (data protection reads the ring at start and once a day, and when a
/// payload names a key it does not know yet), so each call waits for the sidecar here.
/// </remarks>
public sealed partial class DaprXmlRepository(DaprClient dapr, IOptions<WebOptions> options, ILogger<DaprXmlRepository> logger) : IXmlRepository
{
    private const int Attempts = 20;

    private static readonly StateOptions Strong = new() { Consistency = ConsistencyMode.Strong };
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    private readonly WebOptions _options = options.Value;

    public IReadOnlyCollection<XElement> GetAllElements() =>
        (ReadAsync(CancellationToken.None).GetAwaiter().GetResult().Ring?.Elements ?? [])
            .Select(e => XElement.Parse(e.Xml))
            .ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        AppendAsync(new StoredElement(friendlyName, element.ToString(SaveOptions.DisableFormatting)), CancellationToken.None).GetAwaiter().GetResult();

    private async Task AppendAsync(StoredElement element, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (ring, etag) = await ReadAsync(cancellationToken);
            var next = new KeyRing([.. ring?.Elements ?? [], element]);
            var saved = string.IsNullOrEmpty(etag)
                ? await dapr.TrySaveStateAsync(_options.RingStore, _options.RingEntry, next, "", FirstWrite, cancellationToken: cancellationToken)
                : await dapr.TrySaveStateAsync(_options.RingStore, _options.RingEntry, next, etag, Strong, cancellationToken: cancellationToken);
            if (saved)
            {
                LogStored(logger, element.Name, next.Elements.Count);
                return;
            }
            LogLostRace(logger, element.Name, attempt + 1);
            await Task.Delay(StateContention.Backoff(attempt), cancellationToken);
        }
        throw new InvalidOperationException(
            $"The data-protection key ring '{_options.RingEntry}' kept changing under {Attempts} attempts to append '{element.Name}'.");
    }

    private async Task<(KeyRing? Ring, string ETag)> ReadAsync(CancellationToken cancellationToken) =>
        await dapr.GetStateAndETagAsync<KeyRing?>(_options.RingStore, _options.RingEntry, ConsistencyMode.Strong, cancellationToken: cancellationToken);

    /// <summary>The stored entry: every element data protection handed over, in order.</summary>
    public sealed record KeyRing(IReadOnlyList<StoredElement> Elements);

    /// <summary>One element: its friendly name (the key's id) and its XML, with the key's secret encrypted.</summary>
    public sealed record StoredElement(string Name, string Xml);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored data-protection element {Name}; the ring holds {Count} elements")]
    private static partial void LogStored(ILogger logger, string name, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The key ring changed while storing {Name} (attempt {Attempt}); reading it again")]
    private static partial void LogLostRace(ILogger logger, string name, int attempt);
}
