using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Custos.Core.SecureUse;

/// <summary>
/// Writes a terminal session as asciicast v2 (one JSON header line, then one [seconds, code, data] line per event: "o"
/// output, "r" resize) into a stream, normally an encrypting one. Output bytes go through one stateful UTF-8 decoder,
/// so a character split across two reads is written whole. Thread-safe: output and resizes come from different tasks.
/// </summary>
internal sealed class AsciicastRecorder(Stream output)
{
    private readonly Lock gate = new();
    private readonly Decoder utf8 = new UTF8Encoding(false).GetDecoder();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Utf8JsonWriter json = new(output);

    public void Header(int cols, int rows, DateTimeOffset startedAt, string term)
    {
        lock (gate)
        {
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
        }
    }

    public void Output(ReadOnlySpan<byte> bytes)
    {
        lock (gate)
        {
            var chars = new char[utf8.GetCharCount(bytes, flush: false)];
            var count = utf8.GetChars(bytes, chars, flush: false);
            if (count > 0) Event("o", new string(chars, 0, count));
        }
    }

    public void Resize(int cols, int rows)
    {
        lock (gate) Event("r", $"{cols}x{rows}");
    }

    public void Flush()
    {
        lock (gate) json.Flush();
    }

    private void Event(string code, string data)
    {
        json.WriteStartArray();
        json.WriteNumberValue(Math.Round(clock.Elapsed.TotalSeconds, 6));
        json.WriteStringValue(code);
        json.WriteStringValue(data);
        json.WriteEndArray();
        EndLine();
    }

    private void EndLine()
    {
        json.Flush();
        output.WriteByte((byte)'\n');
        json.Reset();
    }
}
