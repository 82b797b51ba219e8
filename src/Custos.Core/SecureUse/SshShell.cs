using Custos.Core.Common;
using Custos.Core.Documents.Blobs;
using Custos.Core.Keys;
using Renci.SshNet;

namespace Custos.Core.SecureUse;

/// <summary>
/// One interactive SSH session, live: the terminal stream to the target, its recording (output and resizes; input is
/// not recorded, it may hold passwords typed at prompts), and how it ends. The web layer pumps a WebSocket through
/// <see cref="ReadAsync"/> and <see cref="WriteAsync"/>; <see cref="Ended"/> fires when an administrator terminates it
/// or its maximum length passes, and <see cref="CloseAsync"/> stores the recording and the record (once).
/// </summary>
public sealed class SshShell : IAsyncDisposable
{
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
    private long lastActivityTicks;
    private readonly SemaphoreSlim closing = new(1, 1);
    private string? endReason;
    private bool closed;

    internal SshShell(SshShells owner, Guid id, TenantId tenant, Guid entryId, SshTarget target, Common.UserId user, string actor, DateTimeOffset startedAt,
        SshClient client, SshLogin login, ShellStream shell, IBlobWriter recordingBlob, SegmentedEncryptingStream recordingStream, byte[] recordingKey,
        int cols, int rows, TimeSpan maxLength, TimeSpan? idle, TimeProvider time)
    {
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
        recorder = new AsciicastRecorder(recordingStream);
        recorder.Header(cols, rows, startedAt, SshShells.Term);
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

    /// <summary>The recording's content key, wrapped (sealed) by the tenant key.</summary>
    internal byte[] RecordingKey { get; }

    /// <summary>Fires when the session must end: terminated by an administrator, or its maximum length passed.</summary>
    public CancellationToken Ended => ending.Token;

    /// <summary>Terminal output of the target (recorded); 0 when the target closed the session.</summary>
    public async Task<int> ReadAsync(Memory<byte> buffer)
    {
        // ShellStream reads block; one thread per session waits here.
        var read = await Task.Run(() => shell.Read(buffer.Span), CancellationToken.None);
        if (read > 0)
        {
            Interlocked.Exchange(ref lastActivityTicks, time.GetUtcNow().UtcTicks);
            BytesOut += read;
            recorder.Output(buffer.Span[..read]);
        }
        return read;
    }

    /// <summary>Keystrokes for the target (counted, not recorded).</summary>
    public Task WriteAsync(ReadOnlyMemory<byte> input)
    {
        BytesIn += input.Length;
        Interlocked.Exchange(ref lastActivityTicks, time.GetUtcNow().UtcTicks);
        shell.Write(input.Span);
        shell.Flush();
        return Task.CompletedTask;
    }

    public void Resize(int cols, int rows)
    {
        (cols, rows) = SshShells.Clamp(cols, rows);
        shell.ChangeWindowSize((uint)cols, (uint)rows, 0, 0);
        recorder.Resize(cols, rows);
    }

    /// <summary>Ends the session at once (an administrator's termination).</summary>
    internal void Terminate()
    {
        endReason ??= "terminated";
        ending.Cancel();
        try
        {
            // Unblocks a pending read.
            client.Disconnect();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or Renci.SshNet.Common.SshException or IOException
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
            try
            {
                if (client.IsConnected) client.Disconnect();
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // Already gone.
            }
            recorder.Flush();
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
        await CloseAsync("closed");
        shell.Dispose();
        client.Dispose();
        login.Dispose();
        await recordingBlob.DisposeAsync();
        ending.Dispose();
    }
}
