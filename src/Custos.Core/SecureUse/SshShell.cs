using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Custos.Core.Common;
using Custos.Core.Documents.Blobs;
using Custos.Core.Keys;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Custos.Core.SecureUse;

/// <summary>
/// One interactive SSH session, live: the terminal stream to the target, its recording (output and resizes; input only
/// where the folder's policy asks for it, since it may hold passwords typed at prompts), and how it ends. The web layer pumps a WebSocket through
/// <see cref="ReadAsync"/> and <see cref="WriteAsync"/>; <see cref="Ended"/> fires when an administrator terminates it
/// or its maximum length passes, and <see cref="CloseAsync"/> stores the recording and the record (once).
/// </summary>
/// <remarks>
/// No thread waits per session: SSH.NET's receive thread (one per connection, its own) buffers output in the
/// <see cref="ShellStream"/> and signals <see cref="ReadAsync"/>, which only reads what is there. When the reader falls
/// behind by <see cref="MaxBuffered"/>, the receive thread waits in <see cref="OnDataReceived"/>: it stops reading the
/// socket, and TCP slows the target down.
/// </remarks>
public sealed class SshShell : IAsyncDisposable
{
    private const int MaxBuffered = 256 * 1024;
    /// <summary>
    /// How long closing the channel with the connection still up waits for the target's confirmation (SSH.NET's
    /// default is 1 s); the connection is dropped right after anyway, so waiting longer gains nothing.
    /// </summary>
    private static readonly TimeSpan ChannelCloseTimeout = TimeSpan.FromMilliseconds(100);
    /// <summary>A backstop for ends SSH.NET raises no event for (the target's disconnect message).</summary>
    private static readonly TimeSpan EndCheck = TimeSpan.FromSeconds(2);

    private readonly SshShells owner;
    private readonly SshClient client;
    private readonly SshLogin login;
    private readonly ShellStream shell;
    private readonly IBlobWriter recordingBlob;
    private readonly SegmentedEncryptingStream recordingStream;
    private readonly AsciicastRecorder recorder;
    private readonly CancellationTokenSource ending;
    private readonly TimeProvider time;
    private readonly ITimer? idleCheck;
    private readonly ITimer endCheck;
    private long lastActivityTicks;
    private readonly SemaphoreSlim closing = new(1, 1);
    private string? endReason;
    private bool closed;
    // Output arrived or the stream may have ended: a wake-up for ReadAsync that keeps until it is taken.
    private readonly Channel<bool> signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true,
    });
    // Set while the reader has room: the receive thread waits for it when MaxBuffered is reached.
    private readonly ManualResetEventSlim room = new(true);
    private volatile bool stopped;
    private volatile bool lost;

    internal SshShell(SshShells owner, Guid id, TenantId tenant, Guid entryId, SshTarget target, Common.UserId user, string actor, DateTimeOffset startedAt,
        SshClient client, SshLogin login, ShellStream shell, IBlobWriter recordingBlob, SegmentedEncryptingStream recordingStream, byte[] recordingKey,
        int cols, int rows, TimeSpan maxLength, TimeSpan? idle, bool recordInput, DateOnly? retainUntil, TimeProvider time)
    {
        RecordsInput = recordInput;
        RetainUntil = retainUntil;
        this.time = time;
        lastActivityTicks = time.GetUtcNow().UtcTicks;
        this.owner = owner;
        Id = id;
        Tenant = tenant;
        EntryId = entryId;
        Target = target;
        User = user;
        Actor = actor;
        StartedAt = startedAt;
        this.client = client;
        this.login = login;
        this.shell = shell;
        this.recordingBlob = recordingBlob;
        this.recordingStream = recordingStream;
        RecordingKey = recordingKey;
        client.ConnectionInfo.ChannelCloseTimeout = ChannelCloseTimeout;
        recorder = new AsciicastRecorder(recordingStream, cols, rows, startedAt, SshShells.Term);
        shell.DataReceived += OnDataReceived;
        shell.Closed += (_, _) => Wake();
        shell.ErrorOccurred += (_, _) =>
        {
            lost = true;
            Wake();
        };
        // On real time: it only looks at the connection, and must run when tests move the server's clock by hand.
        endCheck = TimeProvider.System.CreateTimer(_ =>
        {
            if (!shell.CanWrite) Wake();
        }, null, EndCheck, EndCheck);
        // On the server's clock (a TimeProvider), so that policies can be tested without waiting.
        ending = new CancellationTokenSource(maxLength, time);
        ending.Token.Register(() => endReason ??= "timeout");
        if (idle is { } limit)
        {
            var every = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, Math.Min(limit.Ticks / 4, TimeSpan.TicksPerMinute)));
            idleCheck = time.CreateTimer(_ =>
            {
                if (ending.IsCancellationRequested || time.GetUtcNow().UtcTicks - Interlocked.Read(ref lastActivityTicks) < limit.Ticks) return;
                endReason ??= "idle";
                Terminate();
            }, null, every, every);
        }
    }

    public Guid Id { get; }
    public TenantId Tenant { get; }
    public Guid EntryId { get; }
    public SshTarget Target { get; }
    public Common.UserId User { get; }
    public string Actor { get; }
    public DateTimeOffset StartedAt { get; }
    public long BytesOut { get; private set; }
    public long BytesIn { get; private set; }
    /// <summary>What the user types is recorded too (the folder's policy); the user is told when the session opens.</summary>
    public bool RecordsInput { get; }
    /// <summary>When the recording's retention runs out (from the folder's policy at the start); null: kept.</summary>
    public DateOnly? RetainUntil { get; }

    /// <summary>The recording's content key, wrapped (sealed) by the tenant key.</summary>
    internal byte[] RecordingKey { get; }

    /// <summary>Fires when the session must end: terminated by an administrator, or its maximum length passed.</summary>
    public CancellationToken Ended => ending.Token;

    /// <summary>
    /// Terminal output of the target (recorded); 0 when the session has ended. One reader at a time. Waits without a
    /// thread; a full recording queue makes it wait too, so the recording keeps up with what is shown.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReadAsync(Memory<byte> buffer)
    {
        while (true)
        {
            // After a close the recording is finished: nothing more is recorded, so nothing more is shown.
            if (stopped) return 0;
            // Looked at before the data: once the stream has ended no more arrives, so what is buffered then is all.
            var ended = lost || !shell.CanWrite;
            if (shell.DataAvailable) break;
            if (ended) return 0;
            await signal.Reader.ReadAsync();
        }
        // Does not block: there is data, and no one else reads.
        var read = shell.Read(buffer.Span);
        if (!room.IsSet) room.Set();
        if (!await recorder.OutputAsync(buffer.Span[..read])) return 0;
        Interlocked.Exchange(ref lastActivityTicks, time.GetUtcNow().UtcTicks);
        BytesOut += read;
        return read;
    }

    /// <summary>
    /// Keystrokes for the target (counted; recorded where <see cref="RecordsInput"/>). Once a recording of input has
    /// ended, nothing more is sent: what reaches the target is in the recording.
    /// </summary>
    /// <remarks>
    /// SSH.NET sends synchronously: one packet to the socket, which for keystrokes and pastes does not wait (the target's
    /// window is megabytes).
    /// </remarks>
    public async Task WriteAsync(ReadOnlyMemory<byte> input)
    {
        if (RecordsInput && !await recorder.InputAsync(input.Span)) return;
        BytesIn += input.Length;
        Interlocked.Exchange(ref lastActivityTicks, time.GetUtcNow().UtcTicks);
        shell.Write(input.Span);
        shell.Flush();
    }

    public async Task ResizeAsync(int cols, int rows)
    {
        (cols, rows) = SshShells.Clamp(cols, rows);
        shell.ChangeWindowSize((uint)cols, (uint)rows, 0, 0);
        await recorder.ResizeAsync(cols, rows);
    }

    /// <summary>Ends the session at once (an administrator's termination).</summary>
    internal void Terminate()
    {
        endReason ??= "terminated";
        ending.Cancel();
        Stop();
        try
        {
            client.Disconnect();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or SshException or IOException
                                      or System.Net.Sockets.SocketException)
        {
            // Already gone. (This may run on a timer thread, where an exception would end the process.)
        }
    }

    /// <summary>Closes the connection and stores the recording and the session record; the first reason given counts.</summary>
    public async Task CloseAsync(string reason)
    {
        await closing.WaitAsync();
        try
        {
            if (closed) return;
            closed = true;
            endReason ??= reason;
            Stop();
            try
            {
                if (client.IsConnected) client.Disconnect();
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // Already gone.
            }
            try
            {
                await recorder.CompleteAsync();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
            {
                // Without its final segment the recording reads as cut short; the record is kept without it ("failed").
                await recordingStream.DisposeAsync();
            }
            await owner.FinishAsync(this, endReason, recordingStream, recordingBlob);
        }
        finally
        {
            closing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        idleCheck?.Dispose();
        endCheck.Dispose();
        await CloseAsync("closed");
        shell.Dispose();
        client.Dispose();
        login.Dispose();
        await recordingBlob.DisposeAsync();
        ending.Dispose();
    }

    /// <summary>SSH.NET's receive thread, after it has buffered output in the shell stream.</summary>
    private void OnDataReceived(object? sender, ShellDataEventArgs e)
    {
        Wake();
        while (shell.Length >= MaxBuffered && !stopped)
        {
            room.Reset();
            // The timeout covers a read that made room between the check and the reset.
            if (shell.Length >= MaxBuffered && !stopped) room.Wait(50);
        }
    }

    private void Wake() => signal.Writer.TryWrite(true);

    /// <summary>The reader and a waiting receive thread let go (before a disconnect, which waits for that thread).</summary>
    private void Stop()
    {
        stopped = true;
        room.Set();
        Wake();
    }
}
