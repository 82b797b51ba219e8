using System.Buffers;
using System.Buffers.Binary;

namespace Custos.Core.Sluice.Antivirus;

/// <summary>
/// Scans with ClamAV's clamd over its socket protocol: INSTREAM for content, PING and VERSION for health and the engine
/// version. Each command uses a connection of its own, so one client serves any number of concurrent scans. A clamd that
/// cannot be reached, stalls or answers something unexpected gives <see cref="ScanOutcome.Unavailable"/>, never Clean.
/// </summary>
public sealed class ClamdClient(ClamdOptions options, TimeProvider? timeProvider = null) : IAntivirus
{
    // clamd copies the stream to a file before scanning, so bigger chunks only save system calls.
    private const int ChunkBytes = 64 * 1024;

    // VERSION changes only when clamd reloads its signatures; reading it for every scan would double the connections.
    private static readonly TimeSpan VersionLifetime = TimeSpan.FromMinutes(1);

    private static readonly byte[] Instream = "zINSTREAM\0"u8.ToArray();
    private static readonly byte[] Ping = "zPING\0"u8.ToArray();
    private static readonly byte[] Version = "zVERSION\0"u8.ToArray();

    private readonly ClamdOptions options = Validated(options);
    private readonly ClamdEndpoint endpoint = ClamdEndpoint.Parse(options.Address);
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private volatile CachedVersion? version;

    /// <summary>
    /// Streams <paramref name="content"/> to clamd in chunks and returns its verdict, with the engine version read right
    /// after it. Files clamd did not scan completely (its size, recursion or time limits, or StreamMaxLength) are
    /// <see cref="ScanOutcome.LimitExceeded"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    /// <remarks>
    /// Problems on clamd's side are results, not exceptions. An exception thrown by <paramref name="content"/> itself
    /// (a failed read, a decryption that detects tampering) is the caller's and propagates unchanged.
    /// </remarks>
    public async Task<ScanResult> ScanAsync(Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ct.ThrowIfCancellationRequested();

        ScanOutcome outcome;
        string? signature;
        string detail;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            deadline.CancelAfter(options.ScanTimeout);
            try
            {
                (outcome, signature, detail) = ClamdReply.OfScan(await SendAsync(content, deadline.Token));
            }
            catch (ClamdUnavailableException e)
            {
                return Unavailable(e.Message);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Unavailable($"clamd at {endpoint.Address} did not finish the scan within {ClamdConnection.Seconds(options.ScanTimeout)}.");
            }
        }

        if (outcome == ScanOutcome.Unavailable) return Unavailable(detail);
        // Read after the verdict: clamd scans with the signatures loaded when the stream ended, not when it began.
        var engine = await EngineAsync(ct);
        if (engine is null) detail += " The engine version could not be read.";
        return new ScanResult(outcome, signature, engine, detail);
    }

    /// <summary>clamd's VERSION answer ("ClamAV 1.0.7/27000/Thu Nov 26 08:00:00 2026"), or null when clamd is unavailable.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public async Task<string?> VersionAsync(CancellationToken ct = default)
    {
        var reply = await CommandAsync(Version, ct);
        if (reply is null || !reply.StartsWith("ClamAV ", StringComparison.Ordinal)) return null;
        var text = ClamdReply.Shown(reply.Trim());
        version = new CachedVersion(text, time.GetTimestamp());
        return text;
    }

    /// <summary>True when clamd answers PING with PONG.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public async Task<bool> PingAsync(CancellationToken ct = default) => await CommandAsync(Ping, ct) == "PONG";

    private async Task<string> SendAsync(Stream content, CancellationToken ct)
    {
        await using var connection = await ClamdConnection.OpenAsync(endpoint, options, ct);
        var buffer = ArrayPool<byte>.Shared.Rent(4 + ChunkBytes);
        try
        {
            // A failed write means clamd closed the connection; what it wrote before (a size limit) is still readable.
            if (!await connection.TryWriteAsync(Instream)) return await connection.ReadReplyAsync();
            while (true)
            {
                var length = await FillAsync(content, buffer.AsMemory(4, ChunkBytes), ct);
                BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)length);
                // The zero-length chunk ends the stream.
                if (!await connection.TryWriteAsync(buffer.AsMemory(0, 4 + length)) || length == 0) break;
            }
            return await connection.ReadReplyAsync();
        }
        finally
        {
            // The buffer held file content; the shared pool hands it to unrelated code next.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>Reads until <paramref name="chunk"/> is full or the content ends, so small reads still make full chunks.</summary>
    private static async Task<int> FillAsync(Stream content, Memory<byte> chunk, CancellationToken ct)
    {
        var filled = 0;
        while (filled < chunk.Length)
        {
            var read = await content.ReadAsync(chunk[filled..], ct);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }

    /// <summary>Sends a one-line command; its reply, or null when clamd is unavailable.</summary>
    private async Task<string?> CommandAsync(byte[] command, CancellationToken ct)
    {
        try
        {
            await using var connection = await ClamdConnection.OpenAsync(endpoint, options, ct);
            await connection.TryWriteAsync(command);
            return await connection.ReadReplyAsync();
        }
        catch (ClamdUnavailableException)
        {
            return null;
        }
    }

    private async Task<string?> EngineAsync(CancellationToken ct)
    {
        var cached = version;
        if (cached is not null && time.GetElapsedTime(cached.At) < VersionLifetime) return cached.Text;
        return await VersionAsync(ct);
    }

    private static ScanResult Unavailable(string detail) => new(ScanOutcome.Unavailable, null, null, detail);

    private static ClamdOptions Validated(ClamdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero, nameof(options.ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ScanTimeout, TimeSpan.Zero, nameof(options.ScanTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.IdleTimeout, TimeSpan.Zero, nameof(options.IdleTimeout));
        return options;
    }

    private sealed record CachedVersion(string Text, long At);
}
