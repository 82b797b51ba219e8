using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sharing;

/// <summary>
/// The public side's first step on every request: the token's hash is looked up (one index probe, joined with the
/// sender's account) and the link's state checked. Unknown, malformed, another kind's, expired, revoked, locked and
/// ended tokens, and links of a disabled sender, all take this same path and get the same answer: null.
/// </summary>
public sealed class ShareGate(
    IDbContextFactory<CustosDbContext> dbFactory,
    AuditLog audit,
    PasswordHasher hasher,
    ShareThrottle throttle,
    ShareLog log,
    TimeProvider time,
    SharingOptions options)
{
    public async Task<ShareLink?> FindAsync(string? token, ShareKind kind, CancellationToken ct = default)
    {
        // Anything the length of a token is hashed and looked up, so a malformed token costs what a real one does.
        var hash = ShareTokens.Hash(token) ?? ShareTokens.Hash(new string('-', ShareTokens.Length))!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await (from s in db.ShareLinks.AsNoTracking()
                          join u in db.Users.AsNoTracking() on s.CreatedBy equals u.Id
                          where s.TokenHash == hash && u.IsEnabled
                          select s).SingleOrDefaultAsync(ct);
        return link is not null && link.Kind == kind && IsOpen(link, time.GetUtcNow()) ? link : null;
    }

    /// <summary>Not revoked, not locked, not past its expiry, not ended. The download limit is the download's to check.</summary>
    public static bool IsOpen(ShareLink link, DateTimeOffset now) =>
        link.RevokedAt is null && link.LockedAt is null && link.EndedAt is null && link.ExpiresAt > now;

    /// <summary>
    /// Checks a link password. Attempts are throttled per link and per address; every wrong one is counted in the
    /// database and the link locks for good at the limit (the sender is told, the lock audited).
    /// </summary>
    public async Task<Result<bool>> CheckPasswordAsync(ShareLink link, string? password, ShareClient client, CancellationToken ct = default)
    {
        if (link.PasswordHash is null) return true;
        if (!throttle.TryAttempt(link.Id, client.Address))
        {
            await log.AddAsync(link, "password.throttled", client, ct: ct);
            return ShareErrors.Throttled;
        }
        if (!string.IsNullOrEmpty(password) && password.Length <= 200 && hasher.Verify(password, link.PasswordHash) != PasswordCheck.Invalid)
        {
            throttle.Refund(link.Id, client.Address);
            await log.AddAsync(link, "password.ok", client, ct: ct);
            return true;
        }
        if (string.IsNullOrEmpty(password) || password.Length > 200) hasher.SpendEquivalentWork("-");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.ShareLinks.Where(s => s.Id == link.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.FailedPasswords, l => l.FailedPasswords + 1), ct);
        await log.AddAsync(link, "password.wrong", client, ct: ct);
        var failed = await db.ShareLinks.Where(s => s.Id == link.Id).Select(s => s.FailedPasswords).SingleAsync(ct);
        if (failed >= options.LockAfterWrongPasswords) await LockAsync(db, link, client, failed, ct);
        return ShareErrors.WrongPassword;
    }

    private async Task LockAsync(CustosDbContext db, ShareLink link, ShareClient client, int failed, CancellationToken ct)
    {
        var now = time.StoredNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Exactly one request locks the link (and tells the sender), however many fail at once.
        if (await db.ShareLinks.Where(s => s.Id == link.Id && s.LockedAt == null).ExecuteUpdateAsync(s => s.SetProperty(l => l.LockedAt, now), ct) == 0) return;
        log.Add(db, link, "locked", client, now);
        await DocumentNotices.AddAsync(db, link.CreatedBy, link.TenantId, "share-locked",
            $"Your share link{For(link)} was locked after {failed} wrong passwords.", now, ct);
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry("public", "share.locked", AuditOutcome.Success, link.TenantId, $"share:{link.Id}", client.Address,
            new Dictionary<string, string?> { ["failedPasswords"] = failed.ToString(), ["visitor"] = client.Visitor }), ct);
    }

    internal static string For(ShareLink link) => link.Recipient is { } r ? $" for {r}" : "";
}
