using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;
using Renci.SshNet.Common;

namespace Custos.Core.SecureUse;

/// <summary>
/// Host-key pinning for SSH entries. A credential goes only to a target presenting the confirmed key. The first key a
/// target presents is recorded as unconfirmed and the connection refused, unless the entry's "host-key" field names
/// it; a Manage holder confirms it (comparing it with what the target's administrator says). A different key later is
/// refused, recorded as proposed and raised as an alarm in the audit log; confirming the proposed key replaces the pin.
/// </summary>
public sealed class SshHostKeys(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, TimeProvider time)
{
    public sealed record HostKeyView(string Host, int Port, string Fingerprint, string Algorithm, bool Confirmed, DateTimeOffset FirstSeenAt,
        string FirstSeenBy, DateTimeOffset? ConfirmedAt, string? ConfirmedBy, string? ProposedFingerprint, DateTimeOffset? ProposedAt);

    /// <summary>What the entry's target has presented so far (Use).</summary>
    public async Task<Result<HostKeyView?>> GetAsync(TenantId tenant, Guid entryId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await SshAccess.AdmitAsync(db, accessCache, audit, tenant, entryId, caller, VaultRights.Use, "ssh.hostkey_view", time, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var target = admitted.Value.Target;
        var pin = await db.SshHostKeys.AsNoTracking().SingleOrDefaultAsync(k => k.EntryId == entryId && k.Host == target.Host && k.Port == target.Port, ct);
        return Result<HostKeyView?>.Ok(pin is null ? null : View(pin));
    }

    /// <summary>Confirms the key the target presented (Manage): the unconfirmed first key, or a proposed new one.</summary>
    public async Task<Result<HostKeyView?>> ConfirmAsync(TenantId tenant, Guid entryId, string? fingerprint, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await SshAccess.AdmitAsync(db, accessCache, audit, tenant, entryId, caller, VaultRights.Manage, "ssh.hostkey_confirm", time, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var target = admitted.Value.Target;
        fingerprint = fingerprint?.Trim();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var pin = await db.SshHostKeys.SingleOrDefaultAsync(k => k.EntryId == entryId && k.Host == target.Host && k.Port == target.Port, ct);
        var previous = pin?.ConfirmedAt is null ? null : pin.Fingerprint;
        if (pin is null || string.IsNullOrEmpty(fingerprint) || (fingerprint != pin.ProposedFingerprint && (pin.ConfirmedAt is not null || fingerprint != pin.Fingerprint)))
            return SshErrors.Invalid("That is not the key the target presented; connect once so that it is recorded, then confirm what it shows.");
        pin.Fingerprint = fingerprint;
        pin.ConfirmedAt = time.StoredNow();
        pin.ConfirmedBy = caller.Actor.Name;
        pin.ProposedFingerprint = null;
        pin.ProposedAt = null;
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "ssh.hostkey_confirm", tenant, VaultAudit.EntryTarget(entryId), AuditOutcome.Success,
            ("target", $"{target.Host}:{target.Port}"), ("fingerprint", fingerprint), ("replaces", previous)), ct);
        return Result<HostKeyView?>.Ok(View(pin));
    }

    /// <summary>Decides on the key a target presents during one connection, then records what was seen.</summary>
    internal async Task<Checker> CheckerAsync(TenantId tenant, Guid entryId, SshTarget target, VaultCaller caller, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pin = await db.SshHostKeys.AsNoTracking().SingleOrDefaultAsync(k => k.EntryId == entryId && k.Host == target.Host && k.Port == target.Port, ct);
        return new Checker(this, tenant, entryId, target, caller, pin);
    }

    internal sealed class Checker(SshHostKeys owner, TenantId tenant, Guid entryId, SshTarget target, VaultCaller caller, SshHostKey? pin)
    {
        private string? presented;
        private string? algorithm;

        /// <summary>Why the key was refused, when it was.</summary>
        public Error? Refusal { get; private set; }

        /// <summary>Called by the SSH library during the key exchange, before any credential is sent.</summary>
        public bool Accept(HostKeyEventArgs e)
        {
            presented = "SHA256:" + e.FingerPrintSHA256;
            algorithm = e.HostKeyName;
            var confirmed = pin?.ConfirmedAt is not null ? pin.Fingerprint : target.ExpectedHostKey;
            if (confirmed is null) Refusal = SshErrors.HostKeyUnconfirmed(presented);
            else if (!string.Equals(confirmed, presented, StringComparison.Ordinal)) Refusal = SshErrors.HostKeyMismatch(confirmed, presented);
            return Refusal is null;
        }

        internal SshTarget Target => target;
        internal TenantId Tenant => tenant;
        internal Guid EntryId => entryId;
        internal VaultCaller Caller => caller;
        internal SshHostKey? Pin => pin;
        internal string? Presented => presented;
        internal string? Algorithm => algorithm;

        /// <summary>Records the key: a first sighting, its confirmation through the entry's field, or a mismatch (an alarm).</summary>
        public Task RecordAsync() => owner.RecordSeenAsync(this);
    }

    private async Task RecordSeenAsync(Checker c)
    {
        if (c.Presented is not { } presented) return;
        var (tenant, entryId, target, caller, pin) = (c.Tenant, c.EntryId, c.Target, c.Caller, c.Pin);
        var matchesPin = pin?.ConfirmedAt is not null && pin.Fingerprint == presented;
        // Seen before and still waiting for confirmation: nothing new to record.
        if (matchesPin || (pin is { ConfirmedAt: null } && pin.Fingerprint == presented && c.Refusal is not null)) return;
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var row = await db.SshHostKeys.SingleOrDefaultAsync(k => k.EntryId == entryId && k.Host == target.Host && k.Port == target.Port, CancellationToken.None);
        var now = time.StoredNow();
        string action;
        var outcome = AuditOutcome.Success;
        if (row is null)
        {
            row = new SshHostKey
            {
                Id = Guid.CreateVersion7(), TenantId = tenant, EntryId = entryId, Host = target.Host, Port = target.Port, Fingerprint = presented,
                Algorithm = c.Algorithm ?? "", FirstSeenAt = now, FirstSeenBy = caller.Actor.Name,
            };
            db.SshHostKeys.Add(row);
        }
        if (c.Refusal is null)
        {
            // Accepted without a confirmed pin: the entry's own host-key field named it.
            row.Fingerprint = presented;
            row.ConfirmedAt = now;
            row.ConfirmedBy = "entry field host-key";
            action = "ssh.hostkey_confirm";
        }
        else if (row.ConfirmedAt is null && target.ExpectedHostKey is null)
        {
            row.Fingerprint = presented;
            row.Algorithm = c.Algorithm ?? "";
            action = "ssh.hostkey_new";
        }
        else
        {
            row.ProposedFingerprint = presented;
            row.ProposedAt = now;
            action = "ssh.hostkey_mismatch";
            outcome = AuditOutcome.Failure;
        }
        string? expected = row.ConfirmedAt is null ? target.ExpectedHostKey : row.Fingerprint;
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, action, tenant, VaultAudit.EntryTarget(entryId), outcome,
            ("target", $"{target.Host}:{target.Port}"), ("fingerprint", presented), ("expected", expected)), CancellationToken.None);
    }

    private static HostKeyView View(SshHostKey k) => new(k.Host, k.Port, k.Fingerprint, k.Algorithm, k.ConfirmedAt is not null, k.FirstSeenAt, k.FirstSeenBy,
        k.ConfirmedAt, k.ConfirmedBy, k.ProposedFingerprint, k.ProposedAt);
}
