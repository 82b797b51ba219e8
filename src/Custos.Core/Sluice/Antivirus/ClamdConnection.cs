using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Custos.Core.Sluice.Antivirus;

/// <summary>
/// One connection to clamd, for one command. Every read and write must make progress within the idle timeout, so a
/// clamd that accepts but never reads or never answers ends the command instead of holding it forever.
/// Failures of clamd surface as <see cref="ClamdUnavailableException"/>; cancellation of the token given to
/// <see cref="OpenAsync"/> surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class ClamdConnection : IAsyncDisposable
{
    // Replies are one short line ("stream: Name FOUND"); anything longer is not clamd speaking.
    private const int MaxReplyBytes = 4096;

    private readonly NetworkStream stream;
    private readonly ClamdEndpoint endpoint;
    private readonly TimeSpan idleTimeout;
    private readonly CancellationToken outer;
    private readonly CancellationTokenSource idle = new();
    private readonly CancellationTokenSource operation;

    private ClamdConnection(Socket socket, ClamdEndpoint endpoint, TimeSpan idleTimeout, CancellationToken outer)
    {
        stream = new NetworkStream(socket, ownsSocket: true);
        this.endpoint = endpoint;
        this.idleTimeout = idleTimeout;
        this.outer = outer;
        operation = CancellationTokenSource.CreateLinkedTokenSource(outer, idle.Token);
    }

    public static async Task<ClamdConnection> OpenAsync(ClamdEndpoint endpoint, ClamdOptions options, CancellationToken ct)
    {
        var socket = endpoint.NewSocket();
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connect.CancelAfter(options.ConnectTimeout);
            await socket.ConnectAsync(endpoint.EndPoint, connect.Token);
            return new ClamdConnection(socket, endpoint, options.IdleTimeout, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ClamdUnavailableException($"clamd at {endpoint.Address} did not accept a connection within {Seconds(options.ConnectTimeout)}.");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ClamdUnavailableException($"clamd at {endpoint.Address} cannot be reached: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Writes all of <paramref name="data"/>; false when clamd closed or reset the connection meanwhile.</summary>
    public async Task<bool> TryWriteAsync(ReadOnlyMemory<byte> data)
    {
        idle.CancelAfter(idleTimeout);
        try
        {
            await stream.WriteAsync(data, operation.Token);
            return true;
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            throw new ClamdUnavailableException($"clamd at {endpoint.Address} took no data for {Seconds(idleTimeout)}.");
        }
        catch (IOException)
        {
            // A broken pipe or a reset: clamd closed the connection, perhaps after writing why (a size limit).
            return false;
        }
    }

    /// <summary>Reads clamd's reply up to its terminating NUL (or the end of the connection).</summary>
    public async Task<string> ReadReplyAsync()
    {
        var buffer = new byte[MaxReplyBytes];
        var length = 0;
        while (true)
        {
            var terminator = Array.IndexOf(buffer, (byte)0, 0, length);
            if (terminator >= 0) return Encoding.UTF8.GetString(buffer, 0, terminator);
            if (length == buffer.Length)
                throw new ClamdUnavailableException($"clamd at {endpoint.Address} sent a reply longer than {MaxReplyBytes} bytes.");

            idle.CancelAfter(idleTimeout);
            int read;
            try
            {
                read = await stream.ReadAsync(buffer.AsMemory(length), operation.Token);
            }
            catch (OperationCanceledException) when (!outer.IsCancellationRequested)
            {
                throw new ClamdUnavailableException($"clamd at {endpoint.Address} sent no answer for {Seconds(idleTimeout)}.");
            }
            catch (IOException e)
            {
                if (length > 0) return Encoding.UTF8.GetString(buffer, 0, length);
                throw new ClamdUnavailableException($"clamd at {endpoint.Address} broke the connection without an answer: {e.InnerException?.Message ?? e.Message}", e);
            }

            if (read == 0)
            {
                if (length > 0) return Encoding.UTF8.GetString(buffer, 0, length);
                throw new ClamdUnavailableException($"clamd at {endpoint.Address} closed the connection without an answer.");
            }
            length += read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        operation.Dispose();
        idle.Dispose();
    }

    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
