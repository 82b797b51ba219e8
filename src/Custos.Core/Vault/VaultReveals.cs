using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace Custos.Core.Vault;

/// <summary>
/// The only way a secret leaves Custos: one field per call, for Read holders, recorded (who, which field, when, from
/// where, through which client) durably before the value is returned (<see cref="RevealJournal"/>). If the record
/// cannot be written, nothing is revealed.
/// </summary>
public sealed class VaultReveals(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, SecretSealer sealer, RevealJournal journal, TimeProvider time)
{
    public sealed record Revealed(string Value, int Version);

    public sealed record TotpCode(string Code, int SecondsLeft, int Period);

    private sealed record EntryWithPolicy(VaultEntry Entry, string? Policy);

    // Compiled once per host (a compiled query belongs to one model): every reveal runs it.
    private readonly Func<CustosDbContext, Guid, TenantId, Task<EntryWithPolicy?>> loadEntry = EF.CompileAsyncQuery(
        (CustosDbContext db, Guid entryId, TenantId tenant) => db.VaultEntries.AsNoTracking().Where(e => e.Id == entryId && e.TenantId == tenant)
            .Select(e => new EntryWithPolicy(e, db.VaultFolders.Where(f => f.Id == e.FolderId).Select(f => f.Policy).FirstOrDefault()))
            .SingleOrDefault());

    /// <summary>Reveals one field of the current entry, or of an earlier version when <paramref name="version"/> is given.</summary>
    public async Task<Result<Revealed>> RevealAsync(TenantId tenant, Guid entryId, string field, int? version, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var checkedEntry = await AuthorizeAsync(db, tenant, entryId, caller, "vault.reveal", ct);
        if (!checkedEntry.Succeeded) return checkedEntry.Error!;
        var (entry, policy) = checkedEntry.Value;

        // Blocks every version: an earlier one may hold the same (expired) password when only other fields changed.
        if (policy.BlockRevealWhenExpired && entry.ExpiresAt <= time.GetUtcNow())
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.reveal", tenant, VaultAudit.EntryTarget(entryId), VaultErrors.Expired, ct);
        SecretBundle bundle;
        int revealedVersion;
        if (version is null || version == entry.Version)
        {
            bundle = await sealer.OpenAsync(tenant, entry.Id, VaultEntries.SecretsField, entry.Version, entry.Secrets, ct);
            revealedVersion = entry.Version;
        }
        else
        {
            var old = await db.VaultEntryVersions.AsNoTracking().SingleOrDefaultAsync(v => v.EntryId == entryId && v.TenantId == tenant && v.Version == version, ct);
            if (old is null) return VaultErrors.NotFound;
            bundle = await sealer.OpenAsync(tenant, old.Id, VaultEntries.SecretsField, old.Version, old.Secrets, ct);
            revealedVersion = old.Version;
        }
        var value = bundle.Get(field);
        if (value is null) return VaultErrors.NoSuchField;
        await RecordAsync(db, entry, field, revealedVersion, caller, ct);
        return new Revealed(value, revealedVersion);
    }

    /// <summary>The entry's current TOTP code. The code is a secret for its 30 seconds, so it needs Read and is recorded like a reveal.</summary>
    public async Task<Result<TotpCode>> TotpAsync(TenantId tenant, Guid entryId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var checkedEntry = await AuthorizeAsync(db, tenant, entryId, caller, "vault.reveal", ct);
        if (!checkedEntry.Succeeded) return checkedEntry.Error!;
        var entry = checkedEntry.Value.Entry;
        var bundle = await sealer.OpenAsync(tenant, entry.Id, VaultEntries.SecretsField, entry.Version, entry.Secrets, ct);
        if (bundle.Totp is null) return VaultErrors.NoSuchField;
        var seed = TotpSeed.Parse(bundle.Totp);
        if (seed is null) return VaultErrors.Invalid("The entry's TOTP seed cannot be read.");
        var totp = new Totp(seed.Secret, seed.Period, seed.Algorithm, seed.Digits, timeCorrection: null);
        var now = time.GetUtcNow().UtcDateTime;
        await RecordAsync(db, entry, "totp-code", entry.Version, caller, ct);
        return new TotpCode(totp.ComputeTotp(now), totp.RemainingSeconds(now), seed.Period);
    }

    public sealed record AttachmentContent(string Name, byte[] Content);

    public async Task<Result<AttachmentContent>> AttachmentAsync(TenantId tenant, Guid entryId, Guid attachmentId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var checkedEntry = await AuthorizeAsync(db, tenant, entryId, caller, "vault.reveal", ct);
        if (!checkedEntry.Succeeded) return checkedEntry.Error!;
        var attachment = await db.VaultAttachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == attachmentId && a.EntryId == entryId && a.TenantId == tenant, ct);
        // Another entry's or another tenant's attachment id answers like a missing one, and is recorded like one.
        if (attachment is null) return await VaultAudit.DenyAsync(audit, db, caller, "vault.reveal", tenant, VaultAudit.EntryTarget(entryId), VaultErrors.NotFound, ct);
        var content = await sealer.OpenBytesAsync(tenant, attachment.Id, "content", 1, attachment.Content, ct);
        await RecordAsync(db, checkedEntry.Value.Entry, $"attachment:{attachment.Name}", checkedEntry.Value.Entry.Version, caller, ct);
        return new AttachmentContent(attachment.Name, content);
    }

    /// <summary>Read on the entry (Use is not enough: the secret would reach the client), and a fresh step-up where sensitive.</summary>
    private async Task<Result<(VaultEntry Entry, FolderPolicy Policy)>> AuthorizeAsync(CustosDbContext db, TenantId tenant, Guid entryId,
        VaultCaller caller, string action, CancellationToken ct)
    {
        // One connection for the stamp, the entry and its folder's policy (opening one costs more than a query).
        await db.Database.OpenConnectionAsync(ct);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct, caller.RightsStamp);
        var found = await loadEntry(db, entryId, tenant);
        var entry = found?.Entry;
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry);
        var target = VaultAudit.EntryTarget(entryId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Read)) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, target, VaultErrors.Forbidden, ct);
        // Refused for want of a fresh step-up: recorded too, a secret was asked for.
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp)
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, target, VaultErrors.StepUpRequired, ct);
        return (entry, FolderPolicy.FromJson(found!.Policy) ?? FolderPolicy.Default);
    }

    private async Task RecordAsync(CustosDbContext db, VaultEntry entry, string field, int version, VaultCaller caller, CancellationToken ct)
    {
        // The journal needs a connection of its own: holding this one while waiting for it would let a burst of reveals
        // take the whole pool and leave the journal none (PostgreSQL's pool is bounded).
        await db.Database.CloseConnectionAsync();
        var now = time.StoredNow();
        var row = new VaultReveal
        {
            Id = Guid.CreateVersion7(), TenantId = entry.TenantId, EntryId = entry.Id, UserId = caller.User, Field = field, EntryVersion = version,
            At = now, ClientAddress = caller.Actor.ClientAddress, Client = caller.Client,
        };
        // TOM 6.9: plaintext that left Custos may be anywhere now; an entry set up for it asks to be rotated.
        var rotation = entry.RotateAfterReveal && entry.RotationReason is null && field != "totp-code"
            ? $"revealed by {caller.Actor.Name} at {now:yyyy-MM-dd HH:mm} UTC"
            : null;
        var record = VaultAudit.Entry(caller, "vault.reveal", entry.TenantId, VaultAudit.EntryTarget(entry.Id), AuditOutcome.Success,
            ("field", field), ("version", version.ToString()), ("client", caller.Client));
        await journal.RecordAsync(new RevealJournal.Reveal(row, record, rotation), ct);
    }
}
