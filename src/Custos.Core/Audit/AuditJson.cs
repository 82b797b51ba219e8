using System.Text.Json;

namespace Custos.Core.Audit;

/// <summary>One event as a JSON object: the form of `custos audit export`, the web export and the API.</summary>
public static class AuditJson
{
    public static void Write(Utf8JsonWriter w, AuditEvent e)
    {
        w.WriteStartObject();
        w.WriteNumber("sequence", e.Sequence);
        w.WriteString("occurredAt", e.OccurredAt);
        w.WriteString("actor", e.Actor);
        w.WriteString("tenant", e.TenantId.Value);
        w.WriteString("action", e.Action);
        w.WriteString("target", e.Target);
        w.WriteString("outcome", e.Outcome.ToString().ToLowerInvariant());
        w.WriteString("clientAddress", e.ClientAddress);
        w.WritePropertyName("details");
        if (e.Details is null) w.WriteNullValue();
        else
        {
            using var details = JsonDocument.Parse(e.Details);
            details.RootElement.WriteTo(w);
        }
        w.WriteString("previousHash", Convert.ToHexStringLower(e.PreviousHash));
        w.WriteString("hash", Convert.ToHexStringLower(e.Hash));
        w.WriteEndObject();
    }

    /// <summary>Writes events as JSON lines (one object per line) to a stream.</summary>
    public static async Task<long> WriteLinesAsync(IAsyncEnumerable<AuditEvent> events, Stream output, CancellationToken ct = default)
    {
        long count = 0;
        var newline = "\n"u8.ToArray();
        await using var writer = new Utf8JsonWriter(output);
        await foreach (var e in events.WithCancellation(ct))
        {
            Write(writer, e);
            await writer.FlushAsync(ct);
            writer.Reset();
            await output.WriteAsync(newline, ct);
            count++;
        }
        return count;
    }
}
