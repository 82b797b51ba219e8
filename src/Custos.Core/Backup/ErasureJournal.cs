using System.Text;
using System.Text.Json;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>
/// The erasure journal: which documents' content keys were destroyed, and when, because the law demanded it (an Art. 17
/// request, the end of a retention period). It lives in the live database and, as an object of its own, in every
/// backup target, so a restore of an older snapshot can erase them again before the restored instance serves anything.
/// </summary>
public static class ErasureJournal
{
    /// <summary>The tag of the journal's own snapshots in a repository.</summary>
    public const string Tag = "custos-erasure-journal";
    public const string FileName = "erasure-journal.jsonl";

    public static bool Journaled(string action) => action is "document.erase" or "document.retention_delete";

    /// <summary>Adds the entry to the context; it commits with the deletion it records.</summary>
    internal static void Add(CustosDbContext db, TenantId tenant, Guid document, IReadOnlyList<string> versions, string trigger, DateTimeOffset at) =>
        db.ErasureJournal.Add(new ErasureJournalEntry
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, DocumentId = document, Versions = string.Join(",", versions), Trigger = trigger, ErasedAt = at,
        });

    public sealed record Line(Guid Id, Guid Tenant, Guid Document, string Versions, string Trigger, DateTimeOffset ErasedAt);

    /// <summary>The whole journal as JSON lines, oldest first: the object stored in each target.</summary>
    public static async Task<(byte[] Content, DateTimeOffset? Newest, int Count)> ExportAsync(CustosDbContext db, CancellationToken ct)
    {
        var entries = await db.ErasureJournal.AsNoTracking().OrderBy(e => e.ErasedAt).ThenBy(e => e.Id).ToListAsync(ct);
        var text = new StringBuilder();
        foreach (var e in entries)
            text.Append(JsonSerializer.Serialize(new Line(e.Id, e.TenantId.Value, e.DocumentId, e.Versions, e.Trigger, e.ErasedAt), BackupManifest.Compact)).Append('\n');
        return (Encoding.UTF8.GetBytes(text.ToString()), entries.Count == 0 ? null : entries[^1].ErasedAt, entries.Count);
    }

    public static IReadOnlyList<Line> Parse(byte[] content)
    {
        var lines = new List<Line>();
        foreach (var raw in Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            lines.Add(JsonSerializer.Deserialize<Line>(raw, BackupManifest.Compact) ?? throw new BackupException("The erasure journal has an empty line."));
        return lines;
    }
}
