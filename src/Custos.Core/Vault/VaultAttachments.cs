using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

/// <summary>Files on entries (certificates, key files, recovery sheets): sealed with the tenant key, at most 10 MiB each.</summary>
public sealed class VaultAttachments(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, SecretSealer sealer, TimeProvider time)
{
    public async Task<Result<AttachmentView>> AddAsync(TenantId tenant, Guid entryId, string name, byte[] content, VaultCaller caller, CancellationToken ct = default)
    {
        name = Path.GetFileName(name.Trim());
        if (name.Length is 0 or > 255) return VaultErrors.Invalid("An attachment needs a file name of at most 255 characters.");
        if (content.LongLength > VaultOptions.MaxAttachmentBytes) return VaultErrors.AttachmentTooLarge;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var access = await accessCache.GetAsync(db, caller.User, tenant, now, ct);
        var entry = await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry);
        var target = VaultAudit.EntryTarget(entryId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, "vault.attachment.add", tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Modify)) return await VaultAudit.DenyAsync(audit, db, caller, "vault.attachment.add", tenant, target, VaultErrors.Forbidden, ct);
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp) return VaultErrors.StepUpRequired;
        var attachment = new VaultAttachment
        {
            Id = Guid.CreateVersion7(), EntryId = entryId, TenantId = tenant, Name = name, Size = content.LongLength, Sha256 = SHA256.HashData(content),
            Content = [], CreatedAt = now, CreatedBy = caller.Actor.Name,
        };
        attachment.Content = await sealer.SealBytesAsync(tenant, attachment.Id, "content", 1, content, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.VaultAttachments.Add(attachment);
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.attachment.add", tenant, target, AuditOutcome.Success,
            ("attachment", attachment.Id.ToString()), ("name", name), ("size", content.LongLength.ToString()),
            ("sha256", Convert.ToHexStringLower(attachment.Sha256))), ct);
        return new AttachmentView(attachment.Id, name, attachment.Size);
    }

    public async Task<Result<bool>> RemoveAsync(TenantId tenant, Guid entryId, Guid attachmentId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct);
        var entry = await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
        var attachment = await db.VaultAttachments.SingleOrDefaultAsync(a => a.Id == attachmentId && a.EntryId == entryId && a.TenantId == tenant, ct);
        var rights = entry is null || attachment is null ? VaultRights.None : access.OnEntry(entry);
        var target = VaultAudit.EntryTarget(entryId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, "vault.attachment.remove", tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Modify)) return await VaultAudit.DenyAsync(audit, db, caller, "vault.attachment.remove", tenant, target, VaultErrors.Forbidden, ct);
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp) return VaultErrors.StepUpRequired;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.VaultAttachments.Remove(attachment!);
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.attachment.remove", tenant, target, AuditOutcome.Success,
            ("attachment", attachmentId.ToString()), ("name", attachment!.Name)), ct);
        return true;
    }
}
