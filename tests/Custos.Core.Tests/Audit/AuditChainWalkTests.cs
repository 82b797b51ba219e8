using Custos.Core.Audit;

namespace Custos.Core.Tests.Audit;

/// <summary>The walk over many batches: the first problem by sequence number is reported, whichever stage finds it.</summary>
public sealed class AuditChainWalkTests
{
    private sealed record StoredEvent(long Sequence, string Actor, string? Details, byte[] Previous, byte[] Hash);

    private sealed class ListReader(IReadOnlyList<StoredEvent> events) : IAuditRowReader
    {
        private int next;

        public bool Read(out AuditRow row)
        {
            row = default;
            if (next == events.Count) return false;
            var e = events[next++];
            row.Sequence = e.Sequence;
            row.OccurredAtMicros = e.Sequence * 1000;
            row.Actor = System.Text.Encoding.UTF8.GetBytes(e.Actor);
            row.Action = "test.event"u8;
            row.TargetIsNull = true;
            row.ClientAddressIsNull = true;
            row.Details = e.Details is null ? default : System.Text.Encoding.UTF8.GetBytes(e.Details);
            row.DetailsIsNull = e.Details is null;
            row.Outcome = 1;
            row.PreviousHash = e.Previous;
            row.Hash = e.Hash;
            return true;
        }

        public void Dispose()
        {
        }
    }

    private static List<StoredEvent> Chain(int count)
    {
        var list = new List<StoredEvent>(count);
        var previous = AuditHash.Genesis();
        for (var s = 1L; s <= count; s++)
        {
            var details = s % 3 == 0 ? null : $"{{\"n\":{s}}}";
            var hash = AuditHash.Compute(s, s * 1000, "user:a", Guid.Empty, "test.event", null, 1, null, details, previous);
            list.Add(new StoredEvent(s, "user:a", details, previous, hash));
            previous = hash;
        }
        return list;
    }

    private static AuditVerification Walk(List<StoredEvent> events) =>
        AuditChainVerifier.Walk(new ListReader(events), events.Count == 0 ? 0 : events[^1].Sequence, events.Count == 0 ? AuditHash.Genesis() : events[^1].Hash);

    [Fact]
    public void Walk_IntactLongChain_CountsAll()
    {
        var result = Walk(Chain(10_000));
        Assert.True(result.IsIntact);
        Assert.Equal(10_000, result.VerifiedEvents);
    }

    [Fact]
    public void Walk_EmptyLog_Intact() => Assert.True(Walk([]).IsIntact);

    [Fact]
    public void Walk_AlteredInLaterBatch_NamesIt()
    {
        var events = Chain(10_000);
        events[8999] = events[8999] with { Actor = "user:mallory" };

        var result = Walk(events);

        Assert.False(result.IsIntact);
        Assert.Equal(9000, result.FirstBadSequence);
        Assert.Equal(8999, result.VerifiedEvents);
    }

    [Fact]
    public void Walk_AlteredBeforeBrokenLink_ReportsTheEarlierAlteration()
    {
        var events = Chain(10_000);
        events[4999] = events[4999] with { Details = "{}" };
        events[6999] = events[6999] with { Previous = new byte[32] };

        Assert.Equal(5000, Walk(events).FirstBadSequence);
    }

    [Fact]
    public void Walk_BrokenLinkBeforeAlteration_ReportsTheLink()
    {
        var events = Chain(10_000);
        events.RemoveAt(2999);
        events[7000] = events[7000] with { Actor = "x" };

        var result = Walk(events);

        Assert.Equal(3000, result.FirstBadSequence);
        Assert.Contains("missing", result.Problem);
    }

    [Fact]
    public void Walk_HeadAheadOfLog_ReportsRemovedTail()
    {
        var events = Chain(5000);
        var result = AuditChainVerifier.Walk(new ListReader(events[..4990]), 5000, events[^1].Hash);

        Assert.Equal(4991, result.FirstBadSequence);
    }
}
