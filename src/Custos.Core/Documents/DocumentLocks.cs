using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// Check-out locks (TOM 8.2). Taking and releasing a lock are single conditional updates, so of two users racing for a
/// document exactly one wins. Others can still read the current version. Breaking someone's lock needs Manage or the
/// administrator role, and tells the holder.
/// </summary>
public sealed class DocumentLocks(IDbContextFactory<CustosDbContext> dbFactory, DocumentAccessCache accessCache, AuditLog audit, TimeProvider time)
{
    public async Task<Result<LockView>> CheckOutAsync(TenantId tenant, Guid documentId, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Write, "document.checkout", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var now = time.StoredNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Documents.Where(d => d.Id == documentId && d.TenantId == tenant && d.LockedBy == null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedBy, caller.User).SetProperty(d => d.LockedByName, caller.UserName)
                .SetProperty(d => d.LockedAt, now).SetProperty(d => d.RowVersion, d => d.RowVersion + 1), ct);
        if (taken != 1)
        {
            await tx.RollbackAsync(ct);
            var holder = await db.Documents.AsNoTracking().Where(d => d.Id == documentId).Select(d => d.LockedBy).SingleAsync(ct);
            var refusal = holder == caller.User ? DocumentErrors.AlreadyCheckedOut : DocumentErrors.Locked;
            return await DocumentAudit.DenyAsync(audit, db, caller, "document.checkout", tenant, DocumentAudit.DocumentTarget(documentId), refusal, ct);
        }
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.checkout", tenant, DocumentAudit.DocumentTarget(documentId),
            details: ("name", admitted.Value!.Document.Name)), ct);
        return new LockView(caller.UserName, now, Mine: true);
    }

    /// <summary>The holder gives the lock back without a new version.</summary>
    public async Task<Result<bool>> CancelAsync(TenantId tenant, Guid documentId, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Write, "document.checkout_cancel", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await ReleaseAsync(db, tenant, documentId, caller.User, ct) != 1)
        {
            await tx.RollbackAsync(ct);
            return await DocumentAudit.DenyAsync(audit, db, caller, "document.checkout_cancel", tenant, DocumentAudit.DocumentTarget(documentId),
                DocumentErrors.NotCheckedOut, ct);
        }
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.checkout_cancel", tenant, DocumentAudit.DocumentTarget(documentId),
            details: ("name", admitted.Value!.Document.Name)), ct);
        return true;
    }

    /// <summary>Breaks another user's lock (Manage, or the administrator role); the holder finds a notice in the app.</summary>
    public async Task<Result<bool>> BreakAsync(TenantId tenant, Guid documentId, string? reason, DocumentCaller caller, CancellationToken ct = default)
    {
        if (reason is { Length: > 500 }) return DocumentErrors.Invalid("A reason has at most 500 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var needed = caller.IsAdministrator ? DocumentRights.Read : DocumentRights.Manage;
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, needed, "document.lock_break", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var document = admitted.Value!.Document;
        if (document.LockedBy is not { } holder) return DocumentErrors.NotCheckedOut;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await ReleaseAsync(db, tenant, documentId, holder, ct) != 1)
        {
            await tx.RollbackAsync(ct);
            return DocumentErrors.Conflict;
        }
        var now = time.StoredNow();
        await DocumentNotices.AddAsync(db, holder, tenant, DocumentNotices.LockBroken,
            $"{caller.UserName} broke your check-out of \"{document.Name}\" at {now:yyyy-MM-dd HH:mm:ss} UTC" +
            (string.IsNullOrWhiteSpace(reason) ? "." : $": {reason.Trim()}"), now, ct);
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.lock_break", tenant, DocumentAudit.DocumentTarget(documentId),
            AuditOutcome.Success, ("name", document.Name), ("holder", document.LockedByName), ("reason", reason?.Trim())), ct);
        return true;
    }

    private static Task<int> ReleaseAsync(CustosDbContext db, TenantId tenant, Guid documentId, UserId holder, CancellationToken ct) =>
        db.Documents.Where(d => d.Id == documentId && d.TenantId == tenant && d.LockedBy == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedBy, (UserId?)null).SetProperty(d => d.LockedByName, (string?)null)
                .SetProperty(d => d.LockedAt, (DateTimeOffset?)null).SetProperty(d => d.RowVersion, d => d.RowVersion + 1), ct);
}
