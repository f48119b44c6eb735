using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ShopDapr.Keys.Domain;

// The in-process baseline of bench/tokens.sh: the keys app's own operations (KeyOperations, the code its routes run),
// called directly on one thread with no HTTP, no sidecar, no state store and no audit. Per operation: p50 and p99 of
// single calls and calls/s, after a warm-up. Prints a Markdown table.
//   dotnet run -c Release --project bench/Keys.Bench [-- calls=20000]
var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var now = DateTimeOffset.UtcNow;
var aes = ManagedKey.Create("bench-aes", KeyType.Aes256Gcm, null, KeyMaterial.Generate(KeyType.Aes256Gcm), now);
var ec = ManagedKey.Create("bench-ec", KeyType.EcdsaP256, null, KeyMaterial.Generate(KeyType.EcdsaP256), now);
var input = RandomNumberGenerator.GetBytes(300); // the size bench/tokens.sh sends through the sidecars
var associated = "card-token"u8.ToArray();
var ciphertext = KeyOperations.Encrypt(aes, input, associated).Ciphertext;

Console.WriteLine($"| operation, in process (1 thread, {calls:N0} calls, 300-byte input) | p50 µs | p99 µs | per s |");
Console.WriteLine("|---|---|---|---|");
Measure("encrypt (AES-256-GCM)", () => KeyOperations.Encrypt(aes, input, associated).Version);
Measure("decrypt (AES-256-GCM)", () => KeyOperations.Decrypt(aes, ciphertext, associated).Version);
Measure("sign (ES256)", () => KeyOperations.Sign(ec, input).Version);
return 0;

void Measure(string label, Func<int> operation)
{
    for (var i = 0; i < calls / 10; i++)
        operation();
    var micros = new double[calls];
    var total = Stopwatch.StartNew();
    for (var i = 0; i < calls; i++)
    {
        var start = Stopwatch.GetTimestamp();
        GC.KeepAlive(operation());
        micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }
    total.Stop();
    Array.Sort(micros);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {At(0.50):F1} | {At(0.99):F1} | {calls / total.Elapsed.TotalSeconds:F0} |"));

    double At(double p) => micros[(int)Math.Min(micros.Length - 1, Math.Ceiling(p * micros.Length) - 1)];
}
