using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// Finding documents (Read) by name, folder, label, tag, author, document date and retention state, and by the words in
/// them. Only what the caller may read is ever returned: the tenant's documents within their grants, restricted ones
/// only to the group they are restricted to.
/// </summary>
public sealed class DocumentSearch(IDbContextFactory<CustosDbContext> dbFactory, DocumentAccessCache accessCache, TimeProvider time)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public async Task<Result<SearchResult>> SearchAsync(TenantId tenant, SearchInput input, DocumentCaller caller, CancellationToken ct = default)
    {
        if (input.IsEmpty) return DocumentErrors.Invalid("Say what to look for: words, a name, a folder, a label, a tag, an author, a date or a retention state.");
        if (input.Retention is { } state && !RetentionStates.All.Contains(state))
            return DocumentErrors.Invalid($"The retention state is one of: {string.Join(", ", RetentionStates.All)}.");
        var limit = Math.Clamp(input.Limit ?? DefaultLimit, 1, MaxLimit);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        if (!access.CanSeeTenant) return DocumentErrors.NotFound;
        var folders = await db.DocumentFolders.AsNoTracking().Where(f => f.TenantId == tenant)
            .Select(f => new { f.Id, f.ParentId, f.Name, f.RetentionClassId, f.ProjectId }).ToDictionaryAsync(f => f.Id, ct);

        IQueryable<Document> query = db.Documents.AsNoTracking().Where(d => d.TenantId == tenant);
        if (!access.WholeTenant)
        {
            var projects = access.Projects.ToList();
            query = query.Where(d => d.ProjectId != null && projects.Contains(d.ProjectId.Value));
        }
        var groups = access.Groups.ToList();
        query = query.Where(d => d.RestrictionId == null || (d.RestrictedTo != null && groups.Contains(d.RestrictedTo.Value)));

        List<Guid>? ranked = null;
        var terms = DocumentSearchIndex.Terms(input.Text);
        if (!string.IsNullOrWhiteSpace(input.Text))
        {
            if (terms.Count == 0) return new SearchResult([], false, 0);
            // Ranked ids of the whole tenant; the grant and other filters below cut them down.
            ranked = await DocumentSearchIndex.MatchAsync(db, tenant, terms, MaxLimit * 5, ct);
            query = query.Where(d => ranked.Contains(d.Id));
        }
        if (!string.IsNullOrWhiteSpace(input.Name))
        {
            // SQLite's lower() and upper() change ASCII letters only: "Überweisung" is "Überweisung" to lower() and
            // "ÜBERWEISUNG" to upper(), so one of the two comparisons takes a name whatever the case of its umlauts.
            var lower = input.Name.Trim().ToLowerInvariant();
            var upper = input.Name.Trim().ToUpperInvariant();
            query = query.Where(d => d.Name.ToLower().Contains(lower) || d.Name.ToUpper().Contains(upper));
        }
        if (input.Folder is { } folder)
        {
            // A folder out of the caller's reach (another project's) is as absent as one that does not exist.
            if (!folders.TryGetValue(folder, out var chosen) || access.On(chosen.ProjectId) == DocumentRights.None) return DocumentErrors.NotFound;
            var below = Below(folder, folders.Values.Select(f => (f.Id, f.ParentId)));
            query = query.Where(d => below.Contains(d.FolderId));
        }
        if (input.Label is { } label) query = query.Where(d => d.RetentionClassId == label);
        if (!string.IsNullOrWhiteSpace(input.Tag))
        {
            var tag = input.Tag.Trim().ToLowerInvariant();
            query = query.Where(d => db.DocumentTags.Any(t => t.DocumentId == d.Id && t.Tag == tag));
        }
        if (!string.IsNullOrWhiteSpace(input.Author))
        {
            var author = input.Author.Trim().ToLowerInvariant();
            query = query.Where(d => db.DocumentVersions.Any(v => v.DocumentId == d.Id && v.Author == author));
        }
        if (input.From is { } from) query = query.Where(d => d.DocumentDate >= from);
        if (input.To is { } to) query = query.Where(d => d.DocumentDate <= to);

        var today = RetentionGuards.Today(time);
        var holds = await db.LegalHolds.AsNoTracking().Where(h => h.TenantId == tenant && h.ReleasedAt == null)
            .Select(h => new { h.DocumentId, h.FolderId }).ToListAsync(ct);
        var heldFolders = holds.Where(h => h.FolderId is not null)
            .SelectMany(h => Below(h.FolderId!.Value, folders.Values.Select(f => (f.Id, f.ParentId)))).ToHashSet();
        var heldDocuments = holds.Where(h => h.DocumentId is not null).Select(h => h.DocumentId!.Value).ToHashSet();
        switch (input.Retention)
        {
            case RetentionStates.None: query = query.Where(d => d.RetainUntil == null); break;
            case RetentionStates.Running: query = query.Where(d => d.RetainUntil != null && d.RetainUntil > today); break;
            case RetentionStates.Expired: query = query.Where(d => d.RetainUntil != null && d.RetainUntil <= today); break;
            case RetentionStates.Review: query = query.Where(d => d.ReviewDue); break;
            case RetentionStates.Restricted: query = query.Where(d => d.RestrictionId != null); break;
            case RetentionStates.Held:
                var docs = heldDocuments.ToList();
                var folderList = heldFolders.ToList();
                query = query.Where(d => docs.Contains(d.Id) || folderList.Contains(d.FolderId));
                break;
        }

        // Newest first; with words, the index's rank orders them below (the id order only makes the cut deterministic).
        query = ranked is null ? query.OrderByDescending(d => d.ModifiedAt) : query.OrderBy(d => d.Id);
        var rows = await (from d in query
                          join v in db.DocumentVersions on new { DocumentId = d.Id, Number = d.CurrentVersion } equals new { v.DocumentId, v.Number }
                          select new { d, v }).Take(ranked is null ? limit + 1 : MaxLimit * 5).ToListAsync(ct);
        if (ranked is not null)
        {
            var order = ranked.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
            rows = rows.OrderBy(r => order[r.d.Id]).ToList();
        }
        // Also when the index gave as many matches as it is asked for: more may lie beyond them.
        var truncated = rows.Count > limit || ranked?.Count == MaxLimit * 5;
        rows = rows.Take(limit).ToList();

        var ids = rows.Select(r => r.d.Id).ToList();
        var tags = (await db.DocumentTags.AsNoTracking().Where(t => ids.Contains(t.DocumentId)).Select(t => new { t.DocumentId, t.Tag }).ToListAsync(ct))
            .ToLookup(t => t.DocumentId, t => t.Tag);
        var classes = await db.RetentionClasses.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var pending = await db.Documents.CountAsync(d => d.TenantId == tenant && d.IndexedVersion != d.CurrentVersion, ct);

        string Path(Guid id)
        {
            var parts = new List<string>();
            for (Guid? f = id; f is { } current && folders.TryGetValue(current, out var row) && parts.Count < 100; f = row.ParentId) parts.Add(row.Name);
            parts.Reverse();
            return "/" + string.Join("/", parts);
        }
        Guid? EffectiveClass(Document d)
        {
            if (d.RetentionClassId is { } own) return own;
            for (Guid? f = d.FolderId; f is { } current && folders.TryGetValue(current, out var row); f = row.ParentId)
                if (row.RetentionClassId is { } c) return c;
            return null;
        }
        string State(Document d) => RetentionStates.Of(d, heldDocuments.Contains(d.Id) || heldFolders.Contains(d.FolderId), today);

        var hits = rows.Select(r => new SearchHit(DocumentViewing.View(r.d, r.v, access.OnDocument(r.d), caller.User), Path(r.d.FolderId),
            tags[r.d.Id].Order(StringComparer.Ordinal).ToList(), EffectiveClass(r.d) is { } c ? classes.GetValueOrDefault(c) : null,
            r.d.RetainUntil, State(r.d))).ToList();
        return new SearchResult(hits, truncated, pending);
    }

    /// <summary>The folder and all folders below it.</summary>
    private static List<Guid> Below(Guid root, IEnumerable<(Guid Id, Guid? ParentId)> folders)
    {
        var children = folders.Where(f => f.ParentId is not null).ToLookup(f => f.ParentId!.Value, f => f.Id);
        var result = new List<Guid> { root };
        for (var i = 0; i < result.Count && result.Count < 100_000; i++) result.AddRange(children[result[i]]);
        return result;
    }
}
