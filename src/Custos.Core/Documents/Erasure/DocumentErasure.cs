using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// GDPR erasure requests (Art. 17/18). Each named or found document the requester may manage is erased at once if no
/// retention duty or legal hold keeps it: its content keys are destroyed with its version rows (crypto-shredding, so no
/// copy of a blob is readable again), its blobs and index entries removed. One that must be kept is restricted instead:
/// hidden from everyone but the named group and closed to changes, until <see cref="RetentionSweep"/> erases it when
/// the retention ends. Every outcome is a line of the request's report and an audit event in the same transaction.
/// </summary>
public sealed class DocumentErasure(IDbContextFactory<CustosDbContext> dbFactory, DocumentAccessCache accessCache, AuditLog audit, DocumentDeletion deletion, DocumentSearch search,
    TimeProvider time)
{
    public const int MaxDocuments = 1000;

    public async Task<Result<ErasureReport>> RequestAsync(TenantId tenant, ErasureInput input, DocumentCaller caller, CancellationToken ct = default)
    {
        var reason = input.Reason?.Trim();
        if (string.IsNullOrEmpty(reason)) return DocumentErrors.Invalid("An erasure request needs a reason (whose request, which data).");
        if (reason.Length > 1000) return DocumentErrors.Invalid("A reason has at most 1,000 characters.");
        if (input.Documents is not { Count: > 0 } && input.Search is null or { IsEmpty: true })
            return DocumentErrors.Invalid("Name the documents, or a search that finds them.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        if (!access.CanSeeTenant) return DocumentErrors.NotFound;
        GroupId? restrictTo = null;
        if (!string.IsNullOrWhiteSpace(input.RestrictTo))
        {
            var name = input.RestrictTo.Trim();
            var group = await db.Groups.AsNoTracking().Where(g => g.Name == name).Select(g => (GroupId?)g.Id).SingleOrDefaultAsync(ct);
            if (group is null) return DocumentErrors.Invalid($"There is no group named \"{name}\".");
            restrictTo = group;
        }

        var ids = new List<Guid>(input.Documents ?? []);
        if (input.Search is { IsEmpty: false } criteria)
        {
            var found = await search.SearchAsync(tenant, criteria with { Limit = MaxDocuments }, caller, ct);
            if (!found.Succeeded) return found.Error!;
            if (found.Value!.Truncated) return DocumentErrors.Invalid($"The search finds more than {MaxDocuments} documents; narrow it down.");
            // Words are matched in the index: a document not indexed yet would be missed without a word said.
            if (!string.IsNullOrWhiteSpace(criteria.Text) && found.Value.Pending > 0)
                return DocumentErrors.Invalid($"{found.Value.Pending} documents are not in the search index yet; file the request again in a moment.");
            ids.AddRange(found.Value.Hits.Select(h => h.Document.Id));
        }
        ids = ids.Distinct().ToList();
        if (ids.Count > MaxDocuments) return DocumentErrors.Invalid($"One request names at most {MaxDocuments} documents.");

        var request = new ErasureRequest
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, Reason = reason, Query = input.Search?.Describe() is { Length: > 0 } q ? Truncate(q, 1000) : null,
            RestrictedTo = restrictTo, RequestedBy = caller.UserName, CreatedAt = time.StoredNow(),
        };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.ErasureRequests.Add(request);
            await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.erasure_request", tenant, $"erasure:{request.Id}", AuditOutcome.Success,
                ("reason", reason), ("query", request.Query), ("documents", ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("restrictTo", input.RestrictTo?.Trim())), ct);
        }

        foreach (var id in ids) await DecideAsync(request, id, access, caller, ct);
        return await ReportAsync(tenant, request.Id, caller, ct);
    }

    private async Task DecideAsync(ErasureRequest request, Guid documentId, DocumentAccess access, DocumentCaller caller, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId && d.TenantId == request.TenantId, ct);
        var rights = document is null ? DocumentRights.None : access.OnDocument(document);
        if (document is null || rights == DocumentRights.None)
        {
            await RefuseAsync(db, request, documentId, "?", DocumentErrors.NotFound.Message, caller, ct);
            return;
        }
        if (!rights.Allows(DocumentRights.Manage))
        {
            await RefuseAsync(db, request, documentId, document.Name, "You need the Manage right on this document to erase it.", caller, ct);
            return;
        }

        var today = RetentionGuards.Today(time);
        var holds = await RetentionGuards.BlockingHoldsAsync(db, document, ct);
        var retained = document.RetainUntil is { } until && until > today;
        if (retained || holds.Count > 0)
        {
            await RestrictAsync(db, request, document, retained, holds, caller, ct);
            return;
        }

        var now = time.StoredNow();
        var erased = await deletion.ShredAsync(db, document,
            new DocumentDeletion.Deleter(caller.Actor.Name, caller.Actor.ClientAddress, "document.erase", $"erasure:{request.Id}", MayHoldLock: document.LockedBy),
            ct, (ctx, checksums) =>
            {
                ctx.ErasureItems.Add(new ErasureItem
                {
                    Id = Guid.CreateVersion7(), RequestId = request.Id, TenantId = request.TenantId, DocumentId = document.Id, DocumentName = document.Name,
                    Outcome = ErasureOutcome.Erased, Detail = "No retention duty or legal hold: content keys destroyed, content and index entries removed.",
                    Sha256 = string.Join(",", checksums), DecidedAt = now, ErasedAt = now,
                });
                return Task.CompletedTask;
            });
        if (erased.Succeeded) return;
        // Held or relabelled between the check and the deletion: decide again on the state as it is now, once.
        if (erased.Error!.Code is DocumentRetentionErrors.HeldCode or DocumentRetentionErrors.RetainedCode || erased.Error == DocumentErrors.Conflict)
        {
            db.ChangeTracker.Clear();
            var again = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId, ct);
            var holdsNow = again is null ? [] : await RetentionGuards.BlockingHoldsAsync(db, again, ct);
            if (again is not null && (again.RetainUntil > today || holdsNow.Count > 0))
            {
                await RestrictAsync(db, request, again, again.RetainUntil > today, holdsNow, caller, ct);
                return;
            }
        }
        await RefuseAsync(db, request, documentId, document.Name, erased.Error.Message, caller, ct);
    }

    private async Task RestrictAsync(CustosDbContext db, ErasureRequest request, Document document, bool retained, List<LegalHold> holds,
        DocumentCaller caller, CancellationToken ct)
    {
        var cls = await RetentionRules.EffectiveClassAsync(db, document.FolderId, document.RetentionClassId, ct);
        var reasons = new List<string>();
        if (retained) reasons.Add($"Retention \"{cls?.Name ?? "?"}\" runs until {RetentionGuards.Format(document.RetainUntil!.Value)}");
        reasons.AddRange(holds.Select(h => $"Legal hold (owner: {h.Owner}): {h.Reason}"));
        var detail = Truncate(string.Join("; ", reasons) + ". Restricted (Art. 18) and erased when that ends.", 1000);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Documents.Where(d => d.Id == document.Id && d.RowVersion == document.RowVersion)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.RestrictionId, request.Id)
                // A second request without a group keeps the group an earlier one named.
                .SetProperty(d => d.RestrictedTo, request.RestrictedTo ?? document.RestrictedTo)
                .SetProperty(d => d.RowVersion, d => d.RowVersion + 1), ct);
        if (moved != 1)
        {
            await tx.RollbackAsync(ct);
            await RefuseAsync(db, request, document.Id, document.Name, DocumentErrors.Conflict.Message, caller, ct);
            return;
        }
        db.ErasureItems.Add(new ErasureItem
        {
            Id = Guid.CreateVersion7(), RequestId = request.Id, TenantId = request.TenantId, DocumentId = document.Id, DocumentName = document.Name,
            Outcome = ErasureOutcome.Restricted, Detail = detail, RestrictedUntil = retained ? document.RetainUntil : null, DecidedAt = time.StoredNow(),
        });
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.restrict", request.TenantId, DocumentAudit.DocumentTarget(document.Id),
            AuditOutcome.Success, ("name", document.Name), ("erasure", request.Id.ToString()), ("detail", detail)), ct);
    }

    private async Task RefuseAsync(CustosDbContext db, ErasureRequest request, Guid documentId, string name, string why, DocumentCaller caller, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ErasureItems.Add(new ErasureItem
        {
            Id = Guid.CreateVersion7(), RequestId = request.Id, TenantId = request.TenantId, DocumentId = documentId, DocumentName = name,
            Outcome = ErasureOutcome.Refused, Detail = Truncate(why, 1000), DecidedAt = time.StoredNow(),
        });
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.erase", request.TenantId, DocumentAudit.DocumentTarget(documentId),
            AuditOutcome.Denied, ("erasure", request.Id.ToString()), ("reason", why)), ct);
    }

    /// <summary>Completes the report lines of a restricted document the sweep has just erased, in the sweep's transaction.</summary>
    internal static Task MarkErasedAsync(CustosDbContext db, Guid documentId, IReadOnlyList<string> checksums, DateTimeOffset at, CancellationToken ct) =>
        db.ErasureItems.Where(i => i.DocumentId == documentId && i.Outcome == ErasureOutcome.Restricted && i.ErasedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ErasedAt, at).SetProperty(i => i.Sha256, string.Join(",", checksums)), ct);

    /// <summary>A request's report, for its requester and for whoever manages the whole tenant's documents.</summary>
    public async Task<Result<ErasureReport>> ReportAsync(TenantId tenant, Guid requestId, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.ErasureRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId && r.TenantId == tenant, ct);
        if (request is null || !await MaySeeAsync(db, tenant, request, caller, ct)) return DocumentErrors.NotFound;
        var items = await db.ErasureItems.AsNoTracking().Where(i => i.RequestId == requestId).OrderBy(i => i.DocumentName).ToListAsync(ct);
        var group = request.RestrictedTo is { } g ? await db.Groups.AsNoTracking().Where(x => x.Id == g).Select(x => x.Name).SingleOrDefaultAsync(ct) : null;
        return new ErasureReport(request.Id, request.Reason, request.Query, group, request.RequestedBy, request.CreatedAt,
            items.Count(i => i.Outcome == ErasureOutcome.Erased || i.ErasedAt is not null), items.Count(i => i.Outcome == ErasureOutcome.Restricted && i.ErasedAt is null),
            items.Count(i => i.Outcome == ErasureOutcome.Refused), items.Select(ErasureItemView.Of).ToList());
    }

    /// <summary>The tenant's requests, newest first, that the caller may see.</summary>
    public async Task<Result<IReadOnlyList<ErasureReport>>> ListAsync(TenantId tenant, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        if (!access.CanSeeTenant) return DocumentErrors.NotFound;
        var all = access.On(null).Allows(DocumentRights.Manage);
        var requests = await db.ErasureRequests.AsNoTracking().Where(r => r.TenantId == tenant && (all || r.RequestedBy == caller.UserName))
            .OrderByDescending(r => r.CreatedAt).Take(200).ToListAsync(ct);
        var ids = requests.Select(r => r.Id).ToList();
        var counts = (await db.ErasureItems.AsNoTracking().Where(i => ids.Contains(i.RequestId))
                .Select(i => new { i.RequestId, i.Outcome, Erased = i.ErasedAt != null }).ToListAsync(ct))
            .ToLookup(i => i.RequestId);
        return Result<IReadOnlyList<ErasureReport>>.Ok(requests.Select(r => new ErasureReport(r.Id, r.Reason, r.Query, null, r.RequestedBy, r.CreatedAt,
            counts[r.Id].Count(i => i.Outcome == ErasureOutcome.Erased || i.Erased), counts[r.Id].Count(i => i.Outcome == ErasureOutcome.Restricted && !i.Erased),
            counts[r.Id].Count(i => i.Outcome == ErasureOutcome.Refused), [])).ToList());
    }

    private async Task<bool> MaySeeAsync(CustosDbContext db, TenantId tenant, ErasureRequest request, DocumentCaller caller, CancellationToken ct)
    {
        if (request.RequestedBy == caller.UserName) return true;
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        return access.On(null).Allows(DocumentRights.Manage);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
