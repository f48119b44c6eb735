using ShopDapr.Keys.Domain;

namespace ShopDapr.Keys.Tests;

public sealed class AuditChainTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<AuditEntry> Chain(int length)
    {
        var head = AuditChain.Empty;
        var entries = new List<AuditEntry>();
        for (var i = 0; i < length; i++)
        {
            var entry = AuditChain.Append(head, new AuditDraft(Now.AddSeconds(i), "user:admin-1", "encrypt", "orders", 1, "ok", $"req-{i}", "hmac-sha256:ab"));
            entries.Add(entry);
            head = new AuditHead(entry.Sequence, entry.Hash);
        }
        return entries;
    }

    [Fact]
    public void An_intact_chain_has_no_break_and_links_each_entry_to_the_one_before()
    {
        var entries = Chain(5);
        Assert.Null(AuditChain.FirstBreak(entries, AuditChain.Empty, out var reached));
        Assert.Equal((5L, entries[^1].Hash), (reached.Sequence, reached.Hash));
        Assert.Equal(AuditChain.Genesis, entries[0].PreviousHash);
        Assert.All(entries.Skip(1).Zip(entries), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
    }

    public static TheoryData<string> Alterations => new() { "caller", "outcome", "time", "version", "hash" };

    [Theory]
    [MemberData(nameof(Alterations))]
    public void Altering_any_field_of_an_entry_breaks_the_chain_at_that_entry(string field)
    {
        var entries = Chain(5);
        entries[2] = field switch
        {
            "caller" => entries[2] with { Caller = "user:mallory" },
            "outcome" => entries[2] with { Outcome = "refused:NotFound" },
            "time" => entries[2] with { Time = entries[2].Time.AddTicks(1) },
            "version" => entries[2] with { Version = 2 },
            _ => entries[2] with { Hash = new string('a', 64) },
        };
        Assert.Equal(3, AuditChain.FirstBreak(entries, AuditChain.Empty, out _)!.Sequence);
    }

    [Fact]
    public void A_rehashed_altered_entry_still_breaks_the_link_of_the_next()
    {
        var entries = Chain(5);
        var altered = entries[1] with { Caller = "user:mallory" };
        entries[1] = altered with { Hash = AuditChain.HashOf(altered) };
        Assert.Equal(3, AuditChain.FirstBreak(entries, AuditChain.Empty, out _)!.Sequence);
    }

    [Fact]
    public void A_missing_entry_is_named()
    {
        List<AuditEntry?> entries = [.. Chain(4)];
        entries[1] = null;
        Assert.Equal(2, AuditChain.FirstBreak(entries, AuditChain.Empty, out _)!.Sequence);
    }
}
