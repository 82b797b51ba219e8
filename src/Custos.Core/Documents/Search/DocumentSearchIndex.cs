using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// The full-text index of documents (name, tags and extracted text), in the database itself: an FTS5 table on SQLite
/// and a tsvector column with a GIN index on PostgreSQL. Both hold words only, never the text as written: SQLite's is
/// contentless, PostgreSQL's keeps lexemes. Both use no stemming, so a word is found as written on both databases, and
/// every query term matches as a prefix ("rech" finds "Rechnung").
/// </summary>
public static partial class DocumentSearchIndex
{
    public const string RowTable = "document_search_rows";
    public const string FtsTable = "document_fts";

    /// <summary>PostgreSQL limits a tsvector to 1 MiB (lexemes, positions and their headers); 250,000 characters of even the most varied text stay below it.</summary>
    public const int MaxIndexedChars = 250_000;

    private const int MaxTerms = 16;

    public static string SqliteCreate() =>
        $"CREATE VIRTUAL TABLE {FtsTable} USING fts5(name, tags, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');";

    public static string SqliteDrop() => $"DROP TABLE IF EXISTS {FtsTable};";

    public static string[] PostgresCreate() =>
    [
        $"ALTER TABLE {RowTable} ADD COLUMN words tsvector NOT NULL DEFAULT ''::tsvector;",
        $"CREATE INDEX ix_{RowTable}_words ON {RowTable} USING GIN (words);",
    ];

    internal static bool IsPostgres(CustosDbContext db) => db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>The search terms of what a user typed: runs of letters and digits, at most 16, each at most 64 characters.</summary>
    /// <remarks>
    /// The text is put in composed form (NFC) first: typed in decomposed form (NFD, as some systems send it), an umlaut
    /// would otherwise be a letter and a separate combining mark, and cut the word in two.
    /// </remarks>
    public static IReadOnlyList<string> Terms(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] :
        WordPattern().Matches(text.Normalize(NormalizationForm.FormC)).Select(m => m.Value.Length > 64 ? m.Value[..64] : m.Value).Distinct()
            .Take(MaxTerms).ToList();

    /// <summary>
    /// The words of a text as PostgreSQL's index holds them, so that it finds what SQLite's unicode61 tokenizer finds:
    /// runs of letters and digits, lower-case, without diacritics ("Über" as "uber", like remove_diacritics), joined by
    /// spaces. PostgreSQL's own parser would otherwise keep "Jahresabschluss_2026.pdf", "www.example.com" or "a/b/c" as
    /// one token each, so that "2026", "example" or "b" found nothing there, and leave case to the database's locale.
    /// </summary>
    internal static string PostgresWords(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var words = new StringBuilder(text.Length);
        foreach (Match word in WordPattern().Matches(Fold(text)))
        {
            if (words.Length > 0) words.Append(' ');
            words.Append(word.Value);
        }
        return words.ToString();
    }

    /// <summary>Lower-case, composed, without combining marks (the diacritics of decomposed letters).</summary>
    private static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) kept.Append(c);
        return kept.ToString().Normalize(NormalizationForm.FormC).ToLowerInvariant();
    }

    /// <summary>The words of one document: its name, tags and extracted text (null when it has none).</summary>
    internal sealed record Entry(Guid DocumentId, TenantId TenantId, string Name, IReadOnlyList<string> Tags, string? Body);

    /// <summary>Puts the words of these documents into the index (replacing what was there), in the caller's transaction.</summary>
    internal static async Task WriteAsync(CustosDbContext db, IReadOnlyList<Entry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        var ids = entries.Select(e => e.DocumentId).ToList();
        // One row per document keys its words; a document indexed before keeps its row.
        var existing = await db.DocumentSearchRows.Where(r => ids.Contains(r.DocumentId)).Select(r => new { r.DocumentId, r.Id }).ToDictionaryAsync(r => r.DocumentId, r => r.Id, ct);
        var added = entries.Where(e => !existing.ContainsKey(e.DocumentId)).Select(e => new DocumentSearchRow { DocumentId = e.DocumentId, TenantId = e.TenantId }).ToList();
        if (added.Count > 0)
        {
            db.DocumentSearchRows.AddRange(added);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        var fresh = added.ToDictionary(r => r.DocumentId, r => r.Id);
        var postgres = IsPostgres(db);
        foreach (var e in entries)
        {
            var known = existing.TryGetValue(e.DocumentId, out var rowId);
            if (!known) rowId = fresh[e.DocumentId];
            var tagText = string.Join(' ', e.Tags);
            var body = e.Body is { Length: > MaxIndexedChars } ? Truncate(e.Body, MaxIndexedChars) : e.Body ?? "";
            if (postgres)
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE document_search_rows SET words = setweight(to_tsvector('simple', {PostgresWords(e.Name)}), 'A')
                        || setweight(to_tsvector('simple', {PostgresWords(tagText)}), 'B') || to_tsvector('simple', {PostgresWords(body)}) WHERE id = {rowId}
                    """, ct);
            else
            {
                if (known) await db.Database.ExecuteSqlAsync($"DELETE FROM document_fts WHERE rowid = {rowId}", ct);
                await db.Database.ExecuteSqlAsync($"INSERT INTO document_fts (rowid, name, tags, body) VALUES ({rowId}, {e.Name}, {tagText}, {body})", ct);
            }
        }
    }

    /// <summary>Removes a document's words (deletion, erasure), in the caller's transaction.</summary>
    internal static async Task RemoveAsync(CustosDbContext db, Guid documentId, CancellationToken ct)
    {
        var rowId = await db.DocumentSearchRows.Where(r => r.DocumentId == documentId).Select(r => (long?)r.Id).SingleOrDefaultAsync(ct);
        if (rowId is null) return;
        if (!IsPostgres(db)) await db.Database.ExecuteSqlAsync($"DELETE FROM document_fts WHERE rowid = {rowId.Value}", ct);
        await db.DocumentSearchRows.Where(r => r.Id == rowId.Value).ExecuteDeleteAsync(ct);
    }

    /// <summary>The tenant's documents whose words match every term as a prefix, best match first.</summary>
    internal static async Task<List<Guid>> MatchAsync(CustosDbContext db, TenantId tenant, IReadOnlyList<string> terms, int limit, CancellationToken ct)
    {
        if (terms.Count == 0) return [];
        var tenantId = tenant.Value;
        if (IsPostgres(db))
        {
            // Terms are letters and digits only, so they cannot carry tsquery operators; folded as the indexed words are.
            var folded = terms.SelectMany(t => PostgresWords(t).Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
            if (folded.Count == 0) return [];
            var query = string.Join(" & ", folded.Select(t => t + ":*"));
            return await db.Database.SqlQuery<Guid>($"""
                SELECT document_id AS "Value" FROM document_search_rows
                WHERE tenant_id = {tenantId} AND words @@ to_tsquery('simple', {query})
                ORDER BY ts_rank(words, to_tsquery('simple', {query})) DESC LIMIT {limit}
                """).ToListAsync(ct);
        }
        var match = string.Join(' ', terms.Select(t => $"\"{t}\"*"));
        return await db.Database.SqlQuery<Guid>($"""
            SELECT r.document_id AS "Value" FROM document_fts JOIN document_search_rows r ON r.id = document_fts.rowid
            WHERE document_fts MATCH {match} AND r.tenant_id = {tenantId} ORDER BY document_fts.rank LIMIT {limit}
            """).ToListAsync(ct);
    }

    private static string Truncate(string text, int max) => char.IsHighSurrogate(text[max - 1]) ? text[..(max - 1)] : text[..max];

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}
