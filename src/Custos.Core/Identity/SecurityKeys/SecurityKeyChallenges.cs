using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Identity.SecurityKeys;

public enum SecurityKeyCeremony
{
    Register,
    Login,
    StepUp,
}

/// <summary>
/// The options of a begun WebAuthn ceremony, kept on the server until the browser answers, so the challenge it must sign
/// cannot be chosen by the client. One per session and ceremony; taking it removes it, so each challenge verifies once.
/// In the database rather than in memory, so the answer may reach any node.
/// </summary>
public sealed class SecurityKeyChallenges(IDbContextFactory<CustosDbContext> dbFactory, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async Task PutAsync(Guid sessionId, SecurityKeyCeremony ceremony, string optionsJson, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var name = ceremony.ToString();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // A new ceremony replaces the session's earlier one; expired ones of any session go with it, which bounds the table.
        await db.WebAuthnChallenges.Where(c => (c.SessionId == sessionId && c.Ceremony == name) || c.ExpiresAt <= now)
            .ExecuteDeleteAsync(ct);
        db.WebAuthnChallenges.Add(new WebAuthnChallenge { SessionId = sessionId, Ceremony = name, OptionsJson = optionsJson, ExpiresAt = now + Lifetime });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The ceremony's options, or null when none is pending, it expired, or a parallel request took it first.</summary>
    public async Task<string?> TakeAsync(Guid sessionId, SecurityKeyCeremony ceremony, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = ceremony.ToString();
        var pending = await db.WebAuthnChallenges.AsNoTracking().SingleOrDefaultAsync(c => c.SessionId == sessionId && c.Ceremony == name, ct);
        if (pending is null) return null;
        // Only the request whose delete removed the row may use it: two answers to one challenge never both verify.
        var taken = await db.WebAuthnChallenges
            .Where(c => c.SessionId == sessionId && c.Ceremony == name && c.OptionsJson == pending.OptionsJson)
            .ExecuteDeleteAsync(ct);
        return taken == 1 && pending.ExpiresAt > time.StoredNow() ? pending.OptionsJson : null;
    }
}
