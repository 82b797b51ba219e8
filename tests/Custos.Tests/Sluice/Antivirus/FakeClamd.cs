using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Custos.Tests.Sluice.Antivirus;

/// <summary>
/// A stand-in for clamd on a Unix socket, for the failures and answers a real clamd cannot be made to give on demand:
/// one that accepts and then never reads, one that reads and never answers, and one that answers INSTREAM with a
/// given reply (and VERSION and PING as clamd does).
/// </summary>
internal sealed class FakeClamd : IAsyncDisposable
{
    public const string FakeVersion = "ClamAV 0.0.0/1/Fake";

    private enum Behaviour { NeverRead, NeverAnswer, Reply }

    private readonly string root = Directory.CreateTempSubdirectory("custos-fakeclamd-").FullName;
    private readonly Socket listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource stop = new();
    private readonly List<Socket> accepted = [];
    private readonly Behaviour behaviour;
    private readonly string scanReply;
    private readonly Task acceptLoop;

    private FakeClamd(Behaviour behaviour, string scanReply)
    {
        this.behaviour = behaviour;
        this.scanReply = scanReply;
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen(16);
        acceptLoop = AcceptAsync();
    }

    public string Address => "unix:" + SocketPath;

    private string SocketPath => Path.Combine(root, "fake.sock");

    /// <summary>Accepts connections and leaves them alone: the client's writes stall once the socket buffer is full.</summary>
    public static FakeClamd NeverReading() => new(Behaviour.NeverRead, "");

    /// <summary>Reads everything it is sent and never writes a byte.</summary>
    public static FakeClamd NeverAnswering() => new(Behaviour.NeverAnswer, "");

    /// <summary>Reads a whole INSTREAM and answers <paramref name="reply"/> (NUL-terminated, as clamd does).</summary>
    public static FakeClamd Replying(string reply) => new(Behaviour.Reply, reply);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Dispose();
        lock (accepted) foreach (var s in accepted) s.Dispose();
        try
        {
            await acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping interrupts the loop; that is how it ends.
        }
        stop.Dispose();
        Directory.Delete(root, recursive: true);
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var socket = await listener.AcceptAsync(stop.Token);
            lock (accepted) accepted.Add(socket);
            if (behaviour != Behaviour.NeverRead) _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            if (behaviour == Behaviour.NeverAnswer)
            {
                var sink = new byte[64 * 1024];
                while (await stream.ReadAsync(sink, stop.Token) > 0) { }
                return;
            }

            var command = await ReadCommandAsync(stream);
            var reply = command switch
            {
                "zINSTREAM" => await SkipChunksAsync(stream) ? scanReply : null,
                "zVERSION" => FakeVersion,
                "zPING" => "PONG",
                _ => "UNKNOWN COMMAND",
            };
            if (reply is not null) await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\0"), stop.Token);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away or the fake is being disposed.
        }
    }

    private async Task<string> ReadCommandAsync(NetworkStream stream)
    {
        var command = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one, stop.Token) == 1 && one[0] != 0) command.Append((char)one[0]);
        return command.ToString();
    }

    /// <summary>Reads chunks up to the zero-length one; false when the client stops early.</summary>
    private async Task<bool> SkipChunksAsync(NetworkStream stream)
    {
        var header = new byte[4];
        var sink = new byte[64 * 1024];
        while (true)
        {
            await stream.ReadExactlyAsync(header, stop.Token);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length == 0) return true;
            while (length > 0)
            {
                var read = await stream.ReadAsync(sink.AsMemory(0, (int)Math.Min(length, (uint)sink.Length)), stop.Token);
                if (read == 0) return false;
                length -= (uint)read;
            }
        }
    }
}
