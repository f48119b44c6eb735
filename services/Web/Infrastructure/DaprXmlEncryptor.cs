using System.Text;
using System.Xml.Linq;
using Dapr.Client;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace ShopDapr.Web.Infrastructure;

/// <summary>
/// Protects each data-protection key's secret at rest with Dapr's cryptography building block: the sidecar encrypts it
/// under the component's key (<see cref="WebOptions.RingCrypto"/>, <see cref="WebOptions.RingCryptoName"/>: a key
/// file locally, a cloud key vault in production) in Dapr's encryption scheme v1, so this app never holds the key
/// that protects its ring and the state store never sees a key in the clear.
/// </summary>
/// <remarks>
/// The stored element names the key it was encrypted under, so a later change of <see cref="WebOptions.RingCryptoName"/>
/// still reads the older keys while their key stays in the component. <see cref="IXmlEncryptor"/> is synchronous: each
/// call waits for the sidecar (a key is made once per key lifetime, read at start and once a day).
/// </remarks>
#pragma warning disable DAPR_CRYPTOGRAPHY // the cryptography API is alpha in Dapr 1.x; this file is the one place the web app calls it
public sealed class DaprXmlEncryptor(DaprClient dapr, IOptions<WebOptions> options) : IXmlEncryptor
{
    private readonly WebOptions _options = options.Value;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var ciphertext = dapr.EncryptAsync(_options.RingCrypto, plaintext, _options.RingCryptoName,
            new EncryptionOptions(_options.RingCryptoWrap), CancellationToken.None).GetAwaiter().GetResult();
        if (ciphertext.IsEmpty)
            throw new InvalidOperationException(
                $"The sidecar's cryptography component '{_options.RingCrypto}' did not encrypt with key '{_options.RingCryptoName}'.");
        var element = new XElement(DaprXmlDecryptor.ElementName,
            new XAttribute(DaprXmlDecryptor.KeyNameAttribute, _options.RingCryptoName),
            Convert.ToBase64String(ciphertext.Span));
        return new EncryptedXmlInfo(element, typeof(DaprXmlDecryptor));
    }
}

/// <summary>Reads what <see cref="DaprXmlEncryptor"/> wrote, through the same cryptography component.</summary>
public sealed class DaprXmlDecryptor : IXmlDecryptor
{
    public static readonly XName ElementName = "daprEncryptedSecret";
    public static readonly XName KeyNameAttribute = "keyName";

    private readonly DaprClient _dapr;
    private readonly WebOptions _options;

    /// <summary>Data protection creates a decryptor by its type name, with the app's services.</summary>
    public DaprXmlDecryptor(IServiceProvider services)
    {
        _dapr = services.GetRequiredService<DaprClient>();
        _options = services.GetRequiredService<IOptions<WebOptions>>().Value;
    }

    public XElement Decrypt(XElement encryptedElement)
    {
        if (encryptedElement.Name != ElementName || encryptedElement.Attribute(KeyNameAttribute)?.Value is not { Length: > 0 } keyName)
            throw new FormatException($"Expected a <{ElementName}> element naming its {KeyNameAttribute}.");
        var plaintext = _dapr.DecryptAsync(_options.RingCrypto, Convert.FromBase64String(encryptedElement.Value), keyName,
            CancellationToken.None).GetAwaiter().GetResult();
        if (plaintext.IsEmpty)
            throw new InvalidOperationException(
                $"The sidecar's cryptography component '{_options.RingCrypto}' did not decrypt with key '{keyName}'.");
        return XElement.Parse(Encoding.UTF8.GetString(plaintext.Span));
    }
}
#pragma warning restore DAPR_CRYPTOGRAPHY
