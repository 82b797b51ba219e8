using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Custos.Core.Audit;

/// <summary>
/// Verification as a two-stage pipeline, because reading a row and hashing it cost about the same: the calling thread
/// reads rows, checks sequence numbers and links (plain comparisons) and lays each row's canonical form into a batch;
/// a second thread hashes the batches and compares with the stored hashes. The first problem by sequence number wins.
/// </summary>
internal static class AuditChainWalk
{
    private const int BatchSize = 4096;

    private sealed class Batch
    {
        public byte[] Data = new byte[BatchSize * 320];
        public readonly int[] Ends = new int[BatchSize];
        public readonly byte[] Hashes = new byte[BatchSize * AuditHash.Size];
        public long FirstSequence;
        public int Count;
        public int Used;
    }

    public static AuditVerification Run(IAuditRowReader reader, long headSequence, byte[] headHash, IProgress<long>? progress, CancellationToken ct)
    {
        using var full = new BlockingCollection<Batch>(boundedCapacity: 4);
        using var free = new BlockingCollection<Batch>();
        for (var i = 0; i < 6; i++) free.Add(new Batch());
        var hasher = Task.Factory.StartNew(() => HashBatches(full, free), TaskCreationOptions.LongRunning);

        AuditVerification? readProblem = null;
        long last = 0;
        var previous = new byte[AuditHash.Size];
        try
        {
            var batch = free.Take(ct);
            batch.FirstSequence = 1;
            while (reader.Read(out var row))
            {
                var sequence = row.Sequence;
                if (sequence != last + 1)
                {
                    readProblem = AuditChainVerifier.Broken(last + 1, $"Event {last + 1} is missing (the next stored event is {sequence}).");
                    break;
                }
                if (row.PreviousHash.Length != AuditHash.Size || row.Hash.Length != AuditHash.Size)
                {
                    readProblem = AuditChainVerifier.Broken(sequence, $"Event {sequence} has a malformed hash.");
                    break;
                }
                if (!row.PreviousHash.SequenceEqual(previous))
                {
                    readProblem = AuditChainVerifier.Broken(sequence, $"Event {sequence} does not link to event {sequence - 1} (removed, inserted or reordered).");
                    break;
                }
                var length = AuditHash.CanonicalLength(in row);
                if (batch.Used + length > batch.Data.Length) Array.Resize(ref batch.Data, Math.Max(batch.Data.Length * 2, batch.Used + length));
                AuditHash.WriteCanonical(in row, batch.Data.AsSpan(batch.Used, length));
                batch.Used += length;
                batch.Ends[batch.Count] = batch.Used;
                row.Hash.CopyTo(batch.Hashes.AsSpan(batch.Count * AuditHash.Size));
                row.Hash.CopyTo(previous);
                batch.Count++;
                last = sequence;
                if (batch.Count == BatchSize)
                {
                    full.Add(batch, ct);
                    batch = free.Take(ct);
                    batch.FirstSequence = last + 1;
                    if ((last & 0xFFFF) < BatchSize) progress?.Report(last);
                }
            }
            if (batch.Count > 0) full.Add(batch, ct);
        }
        finally
        {
            full.CompleteAdding();
        }

        var hashProblem = hasher.GetAwaiter().GetResult();
        if (hashProblem is not null && (readProblem is null || hashProblem.FirstBadSequence < readProblem.FirstBadSequence)) return hashProblem;
        if (readProblem is not null) return readProblem;
        if (last != headSequence)
            return AuditChainVerifier.Broken(last + 1, $"The chain head names event {headSequence}, but the log ends at event {last}: events were removed from the end.");
        if (!previous.AsSpan().SequenceEqual(headHash))
            return AuditChainVerifier.Broken(last, $"Event {last} does not match the chain head: the end of the log was replaced.");
        return new AuditVerification(true, last, null, null);
    }

    private static AuditVerification? HashBatches(BlockingCollection<Batch> full, BlockingCollection<Batch> free)
    {
        // One reused hash object: the one-shot API pays the native set-up on every call, which dominates for small inputs.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> computed = stackalloc byte[AuditHash.Size];
        AuditVerification? problem = null;
        foreach (var batch in full.GetConsumingEnumerable())
        {
            if (problem is null)
            {
                var start = 0;
                for (var i = 0; i < batch.Count; i++)
                {
                    sha.AppendData(batch.Data.AsSpan(start, batch.Ends[i] - start));
                    sha.GetHashAndReset(computed);
                    start = batch.Ends[i];
                    if (!computed.SequenceEqual(batch.Hashes.AsSpan(i * AuditHash.Size, AuditHash.Size)))
                    {
                        var sequence = batch.FirstSequence + i;
                        problem = AuditChainVerifier.Broken(sequence, $"Event {sequence} was altered: its content does not match its hash.");
                        break;
                    }
                }
            }
            batch.Count = 0;
            batch.Used = 0;
            free.Add(batch);
        }
        return problem;
    }
}
