using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;

namespace Custos.Core.SecureUse;

/// <summary>
/// Writes a terminal session as asciicast v2 (one JSON header line, then one [seconds, code, data] line per event: "o"
/// output, "i" input where the policy asks for it, "r" resize) into a stream, normally an encrypting one. Events are
/// stamped and queued by the caller and written by a background task, so the terminal relay waits for neither JSON nor
/// encryption; the queue is bounded and a full queue makes the caller wait (nothing is dropped). Output bytes go through
/// one stateful UTF-8 decoder and input bytes through another, so a character split across two reads is written whole
/// and the two streams cannot garble each other. Output, input and resizes may come from different tasks.
/// </summary>
internal sealed class AsciicastRecorder
{
    /// <summary>Queued events (each at most one read of terminal output) before a caller waits.</summary>
    private const int Capacity = 32;
    /// <summary>JSON gathered before it goes to the stream: one encrypted segment.</summary>
    private const int WriteThreshold = 64 * 1024;
    /// <summary>A larger JSON buffer (after bulk output) is let go once written, so idle sessions stay small.</summary>
    private const int KeptBuffer = 256 * 1024;

    // asciicast needs valid JSON strings only; the default encoder would also escape '+', '<', '&' and all non-ASCII.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly UTF8Encoding Utf8 = new(false);

    private enum Kind : byte { Output, Input, Resize }

    private readonly record struct Event(long Timestamp, Kind Kind, byte[]? Data, int Length, int Cols, int Rows);

    private readonly Stream output;
    private readonly Channel<Event> events = Channel.CreateBounded<Event>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly long started = Stopwatch.GetTimestamp();
    private readonly Decoder outputUtf8 = Utf8.GetDecoder();
    private readonly Decoder inputUtf8 = Utf8.GetDecoder();
    private readonly Utf8JsonWriter json;
    private readonly Task writing;
    private ArrayBufferWriter<byte> pending = new(4096);

    public AsciicastRecorder(Stream output, int cols, int rows, DateTimeOffset startedAt, string term)
    {
        this.output = output;
        json = new Utf8JsonWriter(pending, JsonOptions);
        json.WriteStartObject();
        json.WriteNumber("version", 2);
        json.WriteNumber("width", cols);
        json.WriteNumber("height", rows);
        json.WriteNumber("timestamp", startedAt.ToUnixTimeSeconds());
        json.WriteStartObject("env");
        json.WriteString("TERM", term);
        json.WriteEndObject();
        json.WriteEndObject();
        EndLine();
        writing = WriteAllAsync();
    }

    /// <summary>Queues terminal output (copied); false when the recording has ended and the bytes are not in it.</summary>
    public ValueTask<bool> OutputAsync(ReadOnlySpan<byte> bytes) => BytesAsync(Kind.Output, bytes);

    /// <summary>Queues what the user typed (copied); false when the recording has ended and the bytes are not in it.</summary>
    public ValueTask<bool> InputAsync(ReadOnlySpan<byte> bytes) => BytesAsync(Kind.Input, bytes);

    /// <summary>Queues a resize; false when the recording has ended.</summary>
    public ValueTask<bool> ResizeAsync(int cols, int rows) => EnqueueAsync(new Event(Stopwatch.GetTimestamp(), Kind.Resize, null, 0, cols, rows));

    private ValueTask<bool> BytesAsync(Kind kind, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return ValueTask.FromResult(true);
        var copy = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(copy);
        return EnqueueAsync(new Event(Stopwatch.GetTimestamp(), kind, copy, bytes.Length, 0, 0));
    }

    /// <summary>Writes what is queued and ends the queue; throws when writing the recording failed.</summary>
    public Task CompleteAsync()
    {
        events.Writer.TryComplete();
        return writing;
    }

    private ValueTask<bool> EnqueueAsync(Event e) => events.Writer.TryWrite(e) ? ValueTask.FromResult(true) : WaitAndEnqueueAsync(e);

    private async ValueTask<bool> WaitAndEnqueueAsync(Event e)
    {
        try
        {
            await events.Writer.WriteAsync(e);
            return true;
        }
        catch (ChannelClosedException)
        {
            Release(e);
            return false;
        }
    }

    private async Task WriteAllAsync()
    {
        var reader = events.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                // Everything queued meanwhile goes out in one write.
                while (reader.TryRead(out var e))
                {
                    Append(e);
                    if (pending.WrittenCount >= WriteThreshold) await WritePendingAsync();
                }
                await WritePendingAsync();
            }
            await WritePendingAsync();
        }
        catch
        {
            // Producers see a closed queue (their session ends, as it did when a synchronous write failed).
            events.Writer.TryComplete();
            while (reader.TryRead(out var e)) Release(e);
            throw;
        }
    }

    private void Append(Event e)
    {
        if (e.Data is not { } data)
        {
            Line(e.Timestamp, "r"u8, $"{e.Cols}x{e.Rows}");
            return;
        }
        var chars = ArrayPool<char>.Shared.Rent(Utf8.GetMaxCharCount(e.Length));
        try
        {
            var input = e.Kind == Kind.Input;
            var count = (input ? inputUtf8 : outputUtf8).GetChars(data.AsSpan(0, e.Length), chars, flush: false);
            if (count > 0) Line(e.Timestamp, input ? "i"u8 : "o"u8, chars.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            Release(e);
        }
    }

    private void Line(long timestamp, ReadOnlySpan<byte> code, ReadOnlySpan<char> data)
    {
        json.WriteStartArray();
        json.WriteNumberValue(Math.Round(Stopwatch.GetElapsedTime(started, timestamp).TotalSeconds, 6));
        json.WriteStringValue(code);
        json.WriteStringValue(data);
        json.WriteEndArray();
        EndLine();
    }

    private void EndLine()
    {
        json.Flush();
        pending.Write("\n"u8);
        json.Reset();
    }

    private async ValueTask WritePendingAsync()
    {
        if (pending.WrittenCount == 0) return;
        await output.WriteAsync(pending.WrittenMemory);
        if (pending.Capacity > KeptBuffer)
        {
            pending = new ArrayBufferWriter<byte>(4096);
            json.Reset(pending);
        }
        else
        {
            pending.ResetWrittenCount();
        }
    }

    private static void Release(Event e)
    {
        if (e.Data is { } data) ArrayPool<byte>.Shared.Return(data);
    }
}
