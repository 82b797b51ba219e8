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

    /// <summary>What a reveal reads of an entry, with the policy that applies (its folder's or the nearest one above).</summary>
    private sealed record Target(Guid Id, TenantId TenantId, Guid FolderId, bool InheritRights, DateTimeOffset? ExpiresAt, int Version,
        byte[] Secrets, bool RotateAfterReveal, string? RotationReason, FolderPolicy Policy);

    private sealed record TargetRow(Guid Id, TenantId TenantId, Guid FolderId, bool InheritRights, DateTimeOffset? ExpiresAt, int Version,
        byte[] Secrets, bool RotateAfterReveal, string? RotationReason);

    // Compiled once per host (a compiled query belongs to one model).
    private readonly Func<CustosDbContext, Guid, TenantId, Task<TargetRow?>> loadTarget = EF.CompileAsyncQuery(
        (CustosDbContext db, Guid entryId, TenantId tenant) => db.VaultEntries.Where(e => e.Id == entryId && e.TenantId == tenant)
            .Select(e => new TargetRow(e.Id, e.TenantId, e.FolderId, e.InheritRights, e.ExpiresAt, e.Version, e.Secrets, e.RotateAfterReveal, e.RotationReason))
            .SingleOrDefault());

    /// <summary>
    /// Entries recently revealed, under the rights stamp: the triggers raise it when any column read here changes (and
    /// when a folder's policy or parent does), so a cached target is as current as a read. Ciphertext only, like the
    /// database's own page cache; the plaintext exists only for the response.
    /// </summary>
    private readonly StampedCache<(TenantId, Guid), Target> targets = new(20_000);

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
        await RecordAsync(entry, field, revealedVersion, caller, ct);
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
        await RecordAsync(entry, "totp-code", entry.Version, caller, ct);
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
        await RecordAsync(checkedEntry.Value.Entry, $"attachment:{attachment.Name}", checkedEntry.Value.Entry.Version, caller, ct);
        return new AttachmentContent(attachment.Name, content);
    }

    /// <summary>Read on the entry (Use is not enough: the secret would reach the client), and a fresh step-up where sensitive.</summary>
    private async Task<Result<(Target Entry, FolderPolicy Policy)>> AuthorizeAsync(CustosDbContext db, TenantId tenant, Guid entryId,
        VaultCaller caller, string action, CancellationToken ct)
    {
        // Read first: what is read after it is at least as new, so it may be cached under it. Usually known from authentication.
        var stamp = caller.RightsStamp ?? await accessCache.ReadStampAsync(db);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct, stamp);
        var entry = await TargetAsync(db, stamp, tenant, entryId, ct);
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry.Id, entry.FolderId, entry.InheritRights);
        var target = VaultAudit.EntryTarget(entryId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Read)) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, target, VaultErrors.Forbidden, ct);
        // Refused for want of a fresh step-up: recorded too, a secret was asked for.
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp)
            return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, target, VaultErrors.StepUpRequired, ct);
        return (entry, entry.Policy);
    }

    private async Task<Target?> TargetAsync(CustosDbContext db, long? stamp, TenantId tenant, Guid entryId, CancellationToken ct)
    {
        if (targets.TryGet(stamp, (tenant, entryId), out var cached)) return cached;
        var row = await loadTarget(db, entryId, tenant);
        if (row is null) return null;
        var policy = VaultEntries.FolderPolicyOf(await VaultEntries.PolicyChainAsync(db, row.FolderId, ct));
        var entry = new Target(row.Id, row.TenantId, row.FolderId, row.InheritRights, row.ExpiresAt, row.Version, row.Secrets,
            row.RotateAfterReveal, row.RotationReason, policy);
        targets.Set(stamp, (tenant, entryId), entry);
        return entry;
    }

    private async Task RecordAsync(Target entry, string field, int version, VaultCaller caller, CancellationToken ct)
    {
        // The journal writes on a connection of its own; this request holds none while it waits (EF Core opens one per
        // query here): a burst of reveals holding theirs could take PostgreSQL's whole (bounded) pool.
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
