using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapr.DurableTask.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// No card data at rest (issue 11, item 6): orders placed with every test card of docs/test-cards.md, each with a CVC no
/// other order uses, then everything the shop wrote or answered — every row of every SQLite file under the run's data
/// folder (and the files' raw bytes, journal included), the mail folder, the apps' and sidecars' output, and the
/// workflow API's answers for each order (<c>dapr.workflow.input</c>, custom status, output, history, over HTTP and gRPC)
/// — is searched for the card numbers (with and without spaces or dashes) and the CVCs. Only the token and the last four
/// digits may be anywhere; the vault's payload is the keys app's ciphertext, and every key is at rest only wrapped.
/// </summary>
public sealed partial class CardDataAtRestTests(ShopFixture shop)
{
    private static readonly TimeSpan SagaLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan MailLimit = TimeSpan.FromSeconds(30);

    /// <summary>A checkout's card and how its order ends: <c>Completed</c>, <c>Cancelled</c>, or refused at checkout (<c>400</c>).</summary>
    private sealed record TestCard(string Number, string Expiry, string Cvc, string Ends);

    /// <summary>
    /// Every row of docs/test-cards.md. The CVCs are unusual 4-digit values, distinct per order, so that finding one as a
    /// JSON value or next to "cvc" is evidence, not chance.
    /// </summary>
    private static readonly TestCard[] Cards =
    [
        new("4242424242424242", "12/34", "7391", "Completed"),
        new("4000000000000002", "12/34", "8462", "Cancelled"), // card_declined
        new("4000000000009995", "12/2034", "9573", "Cancelled"), // insufficient_funds
        new("4000000000000119", "11/34", "6284", "Completed"), // two transient failures, then approved
        new("5555555555554444", "10/34", "5917", "Cancelled"), // Luhn-valid, not a test card: card_declined
        new("4242424242424242", "01/21", "4806", "Cancelled"), // expired_card
        new("4242424242424241", "12/34", "3759", "400"), // fails the Luhn check: refused before any order exists
    ];

    private readonly SagaClient _api = new(shop);

    [Fact]
    public async Task Orders_with_every_test_card_leave_no_card_number_or_cvc_in_the_store_logs_mail_or_workflow_api()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(3, 400m, ct))[2];
        await _api.SetStockAsync(admin, product.Sku, 100, ct);
        var sidecars = ShopSidecars.Of(shop);
        var workflowAnswers = new List<string>();
        var placed = new List<(TestCard Card, string Customer, Guid OrderId)>();

        foreach (var card in Cards)
        {
            var (customer, _) = await _api.NewCustomerAsync("vault", ct);
            await _api.AddToCartAsync(customer, product.Id, 1, ct);
            var checkout = await _api.CheckoutAsync(customer, card.Number, $"vault-{Guid.NewGuid():N}", ct, card.Expiry, card.Cvc);
            if (card.Ends == "400")
            {
                Assert.True(checkout.StatusCode == HttpStatusCode.BadRequest, await _api.DescribeAsync(checkout));
                continue;
            }
            Assert.True(checkout.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(checkout));
            placed.Add((card, customer, (await checkout.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId));
        }

        // The workflow API answers while each saga runs and once it has ended (finished workflows are purged a minute later).
        var watched = await Task.WhenAll(placed.Select(p => WatchWorkflowAsync(sidecars, p.OrderId, ct)));
        workflowAnswers.AddRange(watched.SelectMany(w => w));
        var publicAnswers = new List<string>();
        foreach (var (card, customer, orderId) in placed)
        {
            var order = await _api.AwaitTerminalAsync(customer, orderId, SagaLimit, ct);
            Assert.True(order.Status == card.Ends, $"order {orderId} with card ending {card.Number[^4..]} ({card.Expiry}) is {order.Status}: {order.CancellationReason}\n{_api.LogTail()}");
            await _api.AwaitEmailAsync(orderId, order.Status == "Completed" ? "OrderCompleted" : "OrderCancelled", MailLimit, ct);
            publicAnswers.Add((await _api.GetAsync<JsonElement>(customer, $"/api/orders/{orderId}", ct)).GetRawText());
            publicAnswers.Add((await _api.GetAsync<JsonElement>(customer, $"/api/orders/{orderId}/history", ct)).GetRawText());
        }

        var sources = new List<(string Where, string Text)>();
        sources.AddRange(workflowAnswers.Select(a => ("workflow API", a)));
        sources.AddRange(publicAnswers.Select(a => ("public order API", a)));
        // On components/local every table of every SQLite file; on a server-backed set every key of its state store.
        var rows = ComponentSet.Name == ComponentSet.Local
            ? StoreRows(Path.Combine(shop.WorkDir, ".data"))
            : [.. (await StateStoreDump.ReadAsync(shop.WorkDir, ct)).Select(kv => ($"state store key {kv.Key}", kv.Value.Value))];
        sources.AddRange(rows);
        sources.AddRange(RawFiles(Path.Combine(shop.WorkDir, ".data")));
        sources.Add(("apps' and sidecars' output", shop.Log));

        // The scan saw real data: each order's workflow input and the e-mails are there…
        Assert.All(placed, p => Assert.Contains(workflowAnswers, a => a.Contains(p.OrderId.ToString(), StringComparison.OrdinalIgnoreCase)
            && a.Contains("dapr.workflow.input", StringComparison.Ordinal)));
        Assert.True(Directory.GetFiles(shop.MailDir, "*.eml").Length >= placed.Count, "the mail folder has the orders' e-mails");

        var findings = sources.SelectMany(s => Expand(s.Text).SelectMany(text => Leaks(text)).Distinct().Select(leak => $"{s.Where}: {leak}")).Distinct().ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"scanned {sources.Count} sources ({rows.Count} store rows, {workflowAnswers.Count} workflow answers) for {Cards.Length} cards: {findings.Count} findings");
        Assert.True(findings.Count == 0, $"card data found:\n{string.Join('\n', findings.Take(40))}");

        // …and the card travelled as a vault token with its last four, the number kept (encrypted) in payment's vault only.
        Assert.Contains(workflowAnswers, a => TokenPattern().IsMatch(a) && a.Contains("last4", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Where.Contains("card-card_", StringComparison.Ordinal));

        // The vault's payload is the keys app's ciphertext (AES-256-GCM under payment-cards), and the keys it is under, and
        // the token signing key, are in the store only wrapped under the master key: no key material in the clear.
        var vaulted = rows.Where(r => r.Where.Contains("card-card_", StringComparison.Ordinal) || r.Text.Contains("\"numberCiphertext\"", StringComparison.Ordinal)).ToList();
        Assert.All(vaulted, r => Assert.True(VaultCiphertextPattern().IsMatch(r.Text), $"{r.Where} holds no keys ciphertext: {r.Text}"));
        var wrapped = rows.SelectMany(r => WrappedMaterialPattern().Matches(r.Text).Select(m => JsonBase64(m.Groups[1].Value))).ToList();
        Assert.True(rows.Any(r => r.Where.Contains("key-payment-cards", StringComparison.Ordinal) || r.Text.Contains("\"name\":\"payment-cards\"", StringComparison.Ordinal)),
            "the keys app created payment-cards");
        Assert.NotEmpty(wrapped);
        Assert.All(wrapped, w => Assert.StartsWith("dapr.io/enc/v1\n", Encoding.ASCII.GetString(Convert.FromBase64String(w)[..15])));
        Assert.DoesNotContain(sources, s => s.Text.Contains("PRIVATE KEY-----", StringComparison.Ordinal));
    }

    /// <summary>Every answer of the workflow API about one order until it ends: HTTP <c>GET</c>, then gRPC GetInstance and its history.</summary>
    private static async Task<List<string>> WatchWorkflowAsync(ShopSidecars sidecars, Guid orderId, CancellationToken ct)
    {
        var answers = new List<string>();
        using var http = new HttpClient { BaseAddress = sidecars.HttpEndpoint("ordering"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("dapr-api-token", sidecars.ApiToken);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await http.GetAsync($"/v1.0/workflows/dapr/{orderId}", ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                answers.Add(body);
                var state = JsonDocument.Parse(body).RootElement;
                var custom = state.GetProperty("properties").TryGetProperty("dapr.workflow.custom_status", out var c) ? c.GetString() : null;
                // The saga's last step sets its custom status; the instance itself may report RUNNING a while longer.
                if (state.GetProperty("runtimeStatus").GetString() is "COMPLETED" or "FAILED" or "TERMINATED" || custom is "\"Completed\"" or "\"Cancelled\"")
                    break;
            }
            Assert.True(clock.Elapsed < SagaLimit, $"the workflow of order {orderId} did not end within {SagaLimit}: {(int)response.StatusCode} {body}");
            await Task.Delay(200, ct);
        }

        using var channel = GrpcChannel.ForAddress(sidecars.GrpcEndpoint("ordering"));
        var client = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel);
        var token = new Metadata { { "dapr-api-token", sidecars.ApiToken } };
        var instance = await client.GetInstanceAsync(new GetInstanceRequest { InstanceId = orderId.ToString(), GetInputsAndOutputs = true }, token, cancellationToken: ct);
        Assert.True(instance.Exists, $"the workflow of order {orderId} was purged before it could be read");
        answers.Add(instance.ToString());
        var history = await client.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = orderId.ToString() }, token, cancellationToken: ct);
        Assert.NotEmpty(history.Events);
        answers.Add(history.ToString());
        return answers;
    }

    /// <summary>Every value of every row of every table of every SQLite database under <paramref name="dataDir"/>.</summary>
    private static List<(string Where, string Text)> StoreRows(string dataDir)
    {
        var rows = new List<(string, string)>();
        var databases = Directory.GetFiles(dataDir, "*", SearchOption.AllDirectories).Where(IsSqlite).ToList();
        Assert.NotEmpty(databases);
        foreach (var file in databases)
        {
            using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            db.Open();
            var tables = new List<string>();
            using (var list = db.CreateCommand())
            {
                list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
                using var names = list.ExecuteReader();
                while (names.Read())
                    tables.Add(names.GetString(0));
            }
            foreach (var table in tables)
            {
                using var select = db.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    var values = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    }).ToList();
                    rows.Add(($"{Path.GetFileName(file)} {table} row {values[0]}", string.Join('\n', values)));
                }
            }
        }
        return rows;
    }

    private static bool IsSqlite(string file)
    {
        var header = new byte[16];
        using var stream = File.OpenRead(file);
        return stream.Read(header) == 16 && Encoding.ASCII.GetString(header) == "SQLite format 3\0";
    }

    /// <summary>The raw bytes of every file under the data folder (database pages, write-ahead log, e-mails).</summary>
    private static IEnumerable<(string Where, string Text)> RawFiles(string dataDir) =>
        Directory.GetFiles(dataDir, "*", SearchOption.AllDirectories)
            .Select(f => ($"file {Path.GetRelativePath(dataDir, f)}", Encoding.Latin1.GetString(File.ReadAllBytes(f))));

    /// <summary>The text itself, and what its base64 runs decode to (binary state, protobuf payloads), two levels deep.</summary>
    private static IEnumerable<string> Expand(string text, int depth = 0)
    {
        yield return text;
        if (depth == 2)
            yield break;
        foreach (Match run in Base64Run().Matches(text))
        {
            var candidate = run.Value.TrimEnd('=');
            candidate = candidate[..(candidate.Length / 4 * 4)];
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(candidate);
            }
            catch (FormatException)
            {
                continue;
            }
            foreach (var inner in Expand(Encoding.Latin1.GetString(bytes), depth + 1))
                yield return inner;
        }
    }

    /// <summary>A test card's number (as digits, in groups of four with spaces or dashes) or its CVC as a value or beside its name.</summary>
    private static IEnumerable<string> Leaks(string text)
    {
        foreach (var card in Cards)
        {
            var groups = Regex.Replace(card.Number, ".{4}(?!$)", "$0 ");
            foreach (var form in new[] { card.Number, groups, groups.Replace(' ', '-') })
                if (text.Contains(form, StringComparison.Ordinal))
                    yield return $"card number {form}";
            var cvc = Regex.Escape(card.Cvc);
            // As a JSON string value ("7391", escaped or not), a JSON number ("cvc": 7391), or just after its name (cvc=7391).
            if (Regex.IsMatch(text, $"\"{cvc}\\\\?\"|\"\\s*:\\s*{cvc}(?![0-9])|(cvc|cvv|csc)[^0-9a-z]{{0,12}}{cvc}(?![0-9])", RegexOptions.IgnoreCase))
                yield return $"CVC {card.Cvc} (card ending {card.Number[^4..]})";
        }
    }

    private static string JsonBase64(string escaped) =>
        Regex.Replace(escaped, "\\\\u00([0-9A-Fa-f]{2})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    // Base64 as System.Text.Json writes it into the store: '+' and '=' may be escaped (\u002B, \u003D).
    [GeneratedRegex("\"numberCiphertext\"\\s*:\\s*\"shopdapr:v[0-9]+:(?:[A-Za-z0-9+/]|\\\\u002[Bb])+(?:=|\\\\u003[Dd]){0,2}\"")]
    private static partial Regex VaultCiphertextPattern();

    [GeneratedRegex("\"wrappedMaterial\"\\s*:\\s*\"((?:[A-Za-z0-9+/]|\\\\u002[Bb])+(?:=|\\\\u003[Dd]){0,2})\"")]
    private static partial Regex WrappedMaterialPattern();

    [GeneratedRegex("card_[0-9a-f]{32}")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("[A-Za-z0-9+/]{24,}={0,2}")]
    private static partial Regex Base64Run();
}
