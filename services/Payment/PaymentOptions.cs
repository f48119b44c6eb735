using System.ComponentModel.DataAnnotations;

namespace ShopDapr.Payment;

/// <summary>Payment's settings (section <c>Payment</c>).</summary>
public sealed class PaymentOptions
{
    public const string Section = "Payment";

    /// <summary>What encrypts the card vault's numbers: the <c>keys</c> app (the default) or this app's data-protection key ring.</summary>
    public CardCipher CardCipher { get; set; } = CardCipher.Keys;

    /// <summary>The <c>aes256-gcm</c> key of the keys app that encrypts vaulted card numbers (keys creates it on its first start).</summary>
    [Required]
    public string CardKeyName { get; set; } = "payment-cards";
}

public enum CardCipher
{
    /// <summary>AES-256-GCM under a key of the keys app, over service invocation; no key material in this app or its store.</summary>
    Keys,

    /// <summary>ASP.NET Core data protection in this app (its key ring where the data-protection defaults put it).</summary>
    DataProtection,
}
