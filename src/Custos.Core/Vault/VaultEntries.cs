using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

/// <summary>
/// Creating, changing and reading entries. Every secret is sealed with the tenant's data key before it reaches the
/// database, every change keeps the previous version, and nothing here ever returns a secret (see <see cref="VaultReveals"/>).
/// </summary>
public sealed class VaultEntries(
    IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, SecretSealer sealer, PasswordFingerprints fingerprints,
    VaultOptions options, TimeProvider time)
{
    public const string SecretsField = "secrets";
    private const int MaxFields = 100;

    public async Task<Result<EntrySaved>> CreateAsync(TenantId tenant, EntryInput input, VaultCaller caller, CancellationToken ct = default)
    {
        if (input.Permissions is null) return VaultErrors.PermissionsRequired;
        if (Validate(input, creating: true) is { } invalid) return invalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var access = await accessCache.GetAsync(db, caller.User, tenant, now, ct);
        var target = VaultAudit.FolderTarget(input.FolderId);
        var rights = access.OnFolder(input.FolderId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, "vault.entry.create", tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Create)) return await VaultAudit.DenyAsync(audit, db, caller, "vault.entry.create", tenant, target, VaultErrors.Forbidden, ct);
        // Only a Manage holder hands out rights; anyone with Create may choose "inherit the folder's rights".
        if (input.Permissions.Count > 0 && !rights.Allows(VaultRights.Manage) || !input.InheritRights && !rights.Allows(VaultRights.Manage))
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.entry.create", tenant, target, VaultErrors.Forbidden, ct);
        if (access.IsSensitive(input.FolderId) && !caller.SteppedUp) return VaultErrors.StepUpRequired;

        var entry = new VaultEntry
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, FolderId = input.FolderId, Title = input.Title!.Trim(), Secrets = [],
            CreatedAt = now, CreatedBy = caller.Actor.Name, ModifiedAt = now, ModifiedBy = caller.Actor.Name, PasswordChangedAt = now,
            InheritRights = input.InheritRights,
        };
        var bundle = new SecretBundle();
        Apply(entry, ref bundle, input, secretsBefore: null);
        var warnings = new List<string>();
        var checkedPassword = await CheckPasswordAsync(db, entry, bundle.Password, input, warnings, ct);
        if (!checkedPassword.Succeeded) return checkedPassword.Error!;
        entry.Secrets = await sealer.SealAsync(tenant, entry.Id, SecretsField, entry.Version, bundle, ct);

        var grants = await VaultPermissions.ResolveAsync(db, tenant, null, entry.Id, input.Permissions, caller, now, ct);
        if (!grants.Succeeded) return grants.Error!;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.VaultEntries.Add(entry);
        db.VaultGrants.AddRange(grants.Value!);
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.entry.create", tenant, VaultAudit.EntryTarget(entry.Id), AuditOutcome.Success,
            ("folder", entry.FolderId.ToString()), ("title", entry.Title), ("secrets", entry.SecretNames),
            ("inheritRights", entry.InheritRights.ToString()), ("permissions", VaultPermissions.Describe(input.Permissions))), ct);
        return new EntrySaved(View(entry, access.OnEntry(entry), access.IsSensitive(entry.FolderId), []), warnings);
    }

    /// <summary>Changes an entry that is still at <see cref="EntryInput.ExpectedVersion"/>; the old state becomes a history version.</summary>
    public async Task<Result<EntrySaved>> UpdateAsync(TenantId tenant, Guid entryId, EntryInput input, VaultCaller caller, CancellationToken ct = default)
    {
        if (input.ExpectedVersion is null) return VaultErrors.Invalid("'expectedVersion' is required, so that a change never overwrites another unseen.");
        if (Validate(input, creating: false) is { } invalid) return invalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var access = await accessCache.GetAsync(db, caller.User, tenant, now, ct);
        var entry = await db.VaultEntries.SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
        var target = VaultAudit.EntryTarget(entryId);
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, "vault.entry.update", tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Modify)) return await VaultAudit.DenyAsync(audit, db, caller, "vault.entry.update", tenant, target, VaultErrors.Forbidden, ct);
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp) return VaultErrors.StepUpRequired;
        if (entry.Version != input.ExpectedVersion) return VaultErrors.VersionConflict;
        // Moving needs Create in the target and Read on the entry: the target's rights apply to it afterwards, so a move
        // must not hand its secret to someone (the mover first) who could not read it here.
        if (input.FolderId != Guid.Empty && input.FolderId != entry.FolderId
            && (!access.OnFolder(input.FolderId).Allows(VaultRights.Create) || !rights.Allows(VaultRights.Read)))
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.entry.update", tenant, target, VaultErrors.Forbidden, ct);

        var before = await sealer.OpenAsync(tenant, entry.Id, SecretsField, entry.Version, entry.Secrets, ct);
        var version = new VaultEntryVersion
        {
            Id = Guid.CreateVersion7(), EntryId = entry.Id, TenantId = tenant, Version = entry.Version, Snapshot = EntrySnapshot.Of(entry).ToJson(),
            Secrets = [], ValidFrom = entry.ModifiedAt, WrittenBy = entry.ModifiedBy, ReplacedAt = now, ReplacedBy = caller.Actor.Name,
        };
        // Re-sealed to the history row: a ciphertext is bound to its row, so it cannot simply be moved there.
        version.Secrets = await sealer.SealAsync(tenant, version.Id, SecretsField, version.Version, before, ct);

        var bundle = before;
        var changed = Apply(entry, ref bundle, input, before);
        var warnings = new List<string>();
        if (bundle.Password != before.Password)
        {
            var checkedPassword = await CheckPasswordAsync(db, entry, bundle.Password, input, warnings, ct);
            if (!checkedPassword.Succeeded) return checkedPassword.Error!;
            entry.PasswordChangedAt = now;
            entry.RotationReason = null;
            if (input.PasswordGenerated is null) entry.PasswordGenerated = false;
        }
        else if (FolderPolicyOf(await PolicyChainAsync(db, entry.FolderId, ct)).ExpiryRequired && entry.ExpiresAt is null)
        {
            return VaultErrors.Policy("This folder requires an expiry date.");
        }
        entry.Version++;
        entry.ModifiedAt = now;
        entry.ModifiedBy = caller.Actor.Name;
        entry.Secrets = await sealer.SealAsync(tenant, entry.Id, SecretsField, entry.Version, bundle, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Claims the version: of two changes made from the same version at once, only the first passes; the other is
        // told to reload (instead of failing on the history's unique version number).
        var claimed = await db.VaultEntries.Where(e => e.Id == entry.Id && e.Version == input.ExpectedVersion)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Version, entry.Version), ct);
        if (claimed == 0)
        {
            await tx.RollbackAsync(ct);
            return VaultErrors.VersionConflict;
        }
        db.VaultEntryVersions.Add(version);
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.entry.update", tenant, target, AuditOutcome.Success,
            ("version", entry.Version.ToString()), ("changed", string.Join(",", changed))), ct);
        var attachments = await AttachmentsAsync(db, entry.Id, ct);
        return new EntrySaved(View(entry, access.OnEntry(entry), access.IsSensitive(entry.FolderId), attachments), warnings);
    }

    public async Task<Result<EntryView>> GetAsync(TenantId tenant, Guid entryId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct, caller.RightsStamp);
        var entry = await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry);
        if (rights == VaultRights.None)
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.entry.read", tenant, VaultAudit.EntryTarget(entryId), VaultErrors.NotFound, ct);
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp) return VaultErrors.StepUpRequired;
        return View(entry, rights, access.IsSensitive(entry.FolderId), await AttachmentsAsync(db, entry.Id, ct));
    }

    /// <summary>Entries the caller may at least use, in one folder or the whole tenant, optionally matching a search text.</summary>
    public async Task<IReadOnlyList<EntryView>> ListAsync(TenantId tenant, Guid? folderId, string? search, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct, caller.RightsStamp);
        if (!access.TenantReachable) return [];
        var query = db.VaultEntries.AsNoTracking().Where(e => e.TenantId == tenant);
        if (folderId is { } f) query = query.Where(e => e.FolderId == f);
        var rows = await query.OrderBy(e => e.Title).ToListAsync(ct);
        var words = (search ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return rows
            .Select(e => (Entry: e, Rights: access.OnEntry(e)))
            .Where(x => x.Rights != VaultRights.None && (!access.IsSensitive(x.Entry.FolderId) || caller.SteppedUp))
            .Where(x => words.All(w => Matches(x.Entry, w)))
            .Select(x => View(x.Entry, x.Rights, access.IsSensitive(x.Entry.FolderId), []))
            .ToList();
    }

    public sealed record VersionInfo(int Version, DateTimeOffset ValidFrom, string WrittenBy, DateTimeOffset ReplacedAt, string ReplacedBy, EntrySnapshot Snapshot);

    /// <summary>Earlier versions, newest first, without secrets (they are revealed one field at a time, with Read).</summary>
    public async Task<Result<IReadOnlyList<VersionInfo>>> HistoryAsync(TenantId tenant, Guid entryId, VaultCaller caller, CancellationToken ct = default)
    {
        var entry = await GetAsync(tenant, entryId, caller, ct);
        if (!entry.Succeeded) return entry.Error!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var versions = await db.VaultEntryVersions.AsNoTracking().Where(v => v.EntryId == entryId && v.TenantId == tenant)
            .OrderByDescending(v => v.Version).ToListAsync(ct);
        return versions.Select(v => new VersionInfo(v.Version, v.ValidFrom, v.WrittenBy, v.ReplacedAt, v.ReplacedBy, EntrySnapshot.FromJson(v.Snapshot))).ToList();
    }

    private static bool Matches(VaultEntry e, string word) =>
        e.Title.Contains(word, StringComparison.OrdinalIgnoreCase)
        || (e.UserName?.Contains(word, StringComparison.OrdinalIgnoreCase) ?? false)
        || e.Urls.Contains(word, StringComparison.OrdinalIgnoreCase)
        || e.Tags.Contains(word, StringComparison.OrdinalIgnoreCase);

    private static Error? Validate(EntryInput input, bool creating)
    {
        if (creating && string.IsNullOrWhiteSpace(input.Title)) return VaultErrors.Invalid("An entry needs a title.");
        if (input.Title is { Length: > 500 } || input.UserName is { Length: > 500 }) return VaultErrors.Invalid("Title and user name have at most 500 characters.");
        if (input.Password is { Length: > 10_000 } || input.Notes is { Length: > 100_000 } || input.Totp is { Length: > 2_000 })
            return VaultErrors.Invalid("A secret field is too long.");
        if (input.Fields is { Count: > MaxFields }) return VaultErrors.Invalid($"An entry has at most {MaxFields} custom fields.");
        if (input.Fields?.Any(f => string.IsNullOrWhiteSpace(f.Name) || f.Name.Length > 200 || f.Value is { Length: > 100_000 }) == true)
            return VaultErrors.Invalid("Custom fields need a name of at most 200 characters.");
        if (input.Fields?.GroupBy(f => f.Name.Trim()).Any(g => g.Count() > 1) == true) return VaultErrors.Invalid("Custom field names must be unique.");
        if (input.Urls is { Count: > 50 } || input.Urls?.Any(u => u.Length > 2000) == true) return VaultErrors.Invalid("At most 50 URLs of 2000 characters.");
        if (input.Tags is { Count: > 50 } || input.Tags?.Any(t => t.Length > 100) == true) return VaultErrors.Invalid("At most 50 tags of 100 characters.");
        if (input.ServiceLimitation is { Length: > 1000 }) return VaultErrors.Invalid("The service limitation has at most 1000 characters.");
        return null;
    }

    /// <summary>Copies the input onto the entry and the bundle; returns the names of what changed (never their values).</summary>
    private static List<string> Apply(VaultEntry entry, ref SecretBundle bundle, EntryInput input, SecretBundle? secretsBefore)
    {
        var changed = new List<string>();
        void Set(string name, string current, string? next, Action<string> assign)
        {
            if (next is null || current == next) return;
            assign(next);
            changed.Add(name);
        }
        void SetValue<T>(string name, T current, T? next, Action<T> assign) where T : struct
        {
            if (next is not { } value || EqualityComparer<T>.Default.Equals(current, value)) return;
            assign(value);
            changed.Add(name);
        }
        if (input.FolderId != Guid.Empty) SetValue("folder", entry.FolderId, (Guid?)input.FolderId, v => entry.FolderId = v);
        Set("title", entry.Title, input.Title?.Trim(), v => entry.Title = v);
        Set("userName", entry.UserName ?? "", input.UserName, v => entry.UserName = v.Length == 0 ? null : v);
        Set("urls", entry.Urls, input.Urls is null ? null : VaultJson.Of(input.Urls.Select(u => u.Trim()).Where(u => u.Length > 0)), v => entry.Urls = v);
        Set("tags", entry.Tags, input.Tags is null ? null : VaultJson.Of(input.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct()), v => entry.Tags = v);
        if (input.ClearExpiry && entry.ExpiresAt is not null)
        {
            entry.ExpiresAt = null;
            changed.Add("expiresAt");
        }
        else SetValue("expiresAt", entry.ExpiresAt ?? DateTimeOffset.MinValue, input.ExpiresAt?.ToStoredPrecision(), v => entry.ExpiresAt = v);
        Set("serviceLimitation", entry.ServiceLimitation ?? "", input.ServiceLimitation, v => entry.ServiceLimitation = v.Length == 0 ? null : v);
        SetValue("passwordGenerated", entry.PasswordGenerated, input.PasswordGenerated, v => entry.PasswordGenerated = v);
        SetValue("rotateAfterReveal", entry.RotateAfterReveal, input.RotateAfterReveal, v => entry.RotateAfterReveal = v);

        var b = bundle;
        Set("password", b.Password ?? "", input.Password, v => b = b with { Password = v.Length == 0 ? null : v });
        Set("notes", b.Notes ?? "", input.Notes, v => b = b with { Notes = v.Length == 0 ? null : v });
        Set("totp", b.Totp ?? "", input.Totp, v => b = b with { Totp = v.Length == 0 ? null : v });
        if (input.Fields is not null)
        {
            var text = new Dictionary<string, string>();
            var secret = new Dictionary<string, string>();
            foreach (var f in input.Fields)
            {
                var name = f.Name.Trim();
                // A secret field sent without a value keeps the value it had: the form never received it.
                var value = f.Value ?? (f.Secret ? secretsBefore?.Fields.GetValueOrDefault(name) : null) ?? "";
                (f.Secret ? secret : text)[name] = value;
            }
            Set("textFields", entry.TextFields, VaultJson.Of(text), v => entry.TextFields = v);
            if (!secret.OrderBy(k => k.Key).SequenceEqual(b.Fields.OrderBy(k => k.Key)))
            {
                b = b with { Fields = secret };
                changed.Add("secretFields");
            }
        }
        bundle = b;
        entry.SecretNames = b.Names();
        return changed;
    }

    /// <summary>Folder policy, reuse and strength: errors stop the save, the rest become warnings.</summary>
    private async Task<Result<bool>> CheckPasswordAsync(CustosDbContext db, VaultEntry entry, string? password, EntryInput input,
        List<string> warnings, CancellationToken ct)
    {
        var policy = FolderPolicyOf(await PolicyChainAsync(db, entry.FolderId, ct));
        var broken = policy.Check(password, entry.ExpiresAt);
        if (broken.Count > 0)
        {
            var message = "The password " + string.Join(", ", broken) + ".";
            if (policy.Mode == PolicyMode.Enforce && entry.ServiceLimitation is null)
                return VaultErrors.Policy(message + " Record a service limitation to save it anyway.");
            warnings.Add(message);
        }
        entry.PasswordFingerprint = await fingerprints.OfAsync(password, ct);
        entry.PasswordStrength = password is { Length: > 0 } ? PasswordStrength.Score(password) : null;
        if (entry.PasswordStrength < PasswordPolicy.MinimumStrength)
            warnings.Add("The password is common or easy to guess.");
        if (entry.PasswordFingerprint is { } fp
            && await db.VaultEntries.AnyAsync(e => e.PasswordFingerprint == fp && e.Id != entry.Id, ct))
        {
            if (options.Reuse == ReuseMode.Refuse && input.ServiceLimitation is null && entry.ServiceLimitation is null) return VaultErrors.Reused;
            warnings.Add("Another entry holds the same password.");
        }
        return true;
    }

    /// <summary>The policy that applies to a folder's entries: its own or the nearest one above it, else the default.</summary>
    public static async Task<FolderPolicy> EffectivePolicyAsync(CustosDbContext db, Guid folderId, CancellationToken ct) =>
        FolderPolicyOf(await PolicyChainAsync(db, folderId, ct));

    /// <summary>The folder's own policy or the nearest one above it; the default when none is set.</summary>
    internal static async Task<List<string?>> PolicyChainAsync(CustosDbContext db, Guid folderId, CancellationToken ct)
    {
        var chain = new List<string?>();
        Guid? id = folderId;
        while (id is { } current && chain.Count < 1000)
        {
            var folder = await db.VaultFolders.AsNoTracking().Where(f => f.Id == current).Select(f => new { f.ParentId, f.Policy }).SingleOrDefaultAsync(ct);
            if (folder is null) break;
            chain.Add(folder.Policy);
            if (folder.Policy is not null) break;
            id = folder.ParentId;
        }
        return chain;
    }

    internal static FolderPolicy FolderPolicyOf(List<string?> chain) =>
        chain.Select(FolderPolicy.FromJson).FirstOrDefault(p => p is not null) ?? FolderPolicy.Default;

    internal static async Task<List<AttachmentView>> AttachmentsAsync(CustosDbContext db, Guid entryId, CancellationToken ct) =>
        await db.VaultAttachments.AsNoTracking().Where(a => a.EntryId == entryId).OrderBy(a => a.Name)
            .Select(a => new AttachmentView(a.Id, a.Name, a.Size)).ToListAsync(ct);

    internal EntryView View(VaultEntry e, VaultRights rights, bool sensitive, IReadOnlyList<AttachmentView> attachments)
    {
        var now = time.GetUtcNow();
        var state = e.ExpiresAt is not { } at ? "none" : at <= now ? "expired" : at <= now.AddDays(options.ExpiryWarningDays) ? "expiring" : "valid";
        return new EntryView(e.Id, e.TenantId.Value, e.FolderId, e.Title, e.UserName, VaultJson.List(e.Urls), VaultJson.List(e.Tags),
            VaultJson.Map(e.TextFields), e.SecretNames.Split(',', StringSplitOptions.RemoveEmptyEntries), attachments, e.ExpiresAt, state,
            e.ServiceLimitation, e.PasswordGenerated, e.PasswordStrength, e.RotateAfterReveal, e.RotationReason, e.Version, e.CreatedAt,
            e.CreatedBy, e.ModifiedAt, e.ModifiedBy, rights.Describe(), sensitive);
    }
}
