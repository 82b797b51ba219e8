using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.SecureUse.Web;

/// <summary>
/// Web sessions with an entry's credential (Use; TOM 6.9): opens them (admission, policy, audit, then the server-side
/// login), hands each to one browser through a one-time launch code, ends them by policy, by an administrator or when
/// the node stops, and keeps the list of live ones. The start is on record before the credential is used; the end in
/// the transaction that closes the session's record. Sessions live in this node's memory: behind a load balancer, the
/// proxy hosts need sticky routing.
/// </summary>
public sealed class WebSessions : IAsyncDisposable
{
    private const string LabelAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
    public const int LabelLength = 26;

    private readonly IDbContextFactory<CustosDbContext> dbFactory;
    private readonly VaultAccessCache accessCache;
    private readonly AuditLog audit;
    private readonly SecretSealer sealer;
    private readonly WebTransport transport;
    private readonly WebRequestLog requestLog;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, WebSession> byLabel = new(StringComparer.Ordinal);
    private readonly ITimer sweep;

    public WebSessions(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, SecretSealer sealer, WebTransport transport,
        WebRequestLog requestLog, WebProxyOptions options, TimeProvider time)
    {
        this.dbFactory = dbFactory;
        this.accessCache = accessCache;
        this.audit = audit;
        this.sealer = sealer;
        this.transport = transport;
        this.requestLog = requestLog;
        this.time = time;
        Options = options;
        // Browsers never say goodbye: sessions past their policy end on the server's clock even without another request.
        // One-shot, re-armed after each sweep: a clock that jumps by days causes one sweep, not one per 30 s skipped.
        sweep = time.CreateTimer(_ => _ = SweepAsync(), null, SweepEvery, Timeout.InfiniteTimeSpan);
    }

    public WebProxyOptions Options { get; }
    public HttpMessageInvoker Invoker => transport.Invoker;

    public sealed record Opened(Guid SessionId, string Label, string LaunchCode);

    public sealed record LiveSession(Guid Id, Guid TenantId, Guid EntryId, string Actor, string Target, DateTimeOffset StartedAt, DateTimeOffset LastActivity,
        long Requests, long BytesOut);

    public sealed record SessionView(Guid Id, Guid EntryId, string Actor, string Target, string? Reason, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
        string? EndReason, long Requests, long BytesOut);

    public sealed record RequestView(DateTimeOffset At, string Method, string Path, int Status, long Bytes);

    /// <param name="reason">Why (a ticket number): recorded with the session, and required where the folder's policy says so.</param>
    public async Task<Result<Opened>> OpenAsync(TenantId tenant, Guid entryId, string? reason, VaultCaller caller, CancellationToken ct = default)
    {
        if (Options.Domain is null) return WebErrors.ProxyDisabled;
        if (reason is { Length: > 500 }) return WebErrors.Invalid("A reason has at most 500 characters.");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await WebAccess.AdmitAsync(db, accessCache, audit, tenant, entryId, caller, "web.session", reason, time, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var (entry, target, policy) = admitted.Value;
        var bundle = await sealer.OpenAsync(tenant, entry.Id, VaultEntries.SecretsField, entry.Version, entry.Secrets, ct);
        var credential = WebCredential.From(target, bundle);
        if (!credential.Succeeded) return credential.Error!;

        var id = Guid.CreateVersion7();
        var subject = VaultAudit.EntryTarget(entryId);
        var startedAt = time.StoredNow();
        // On record before the credential goes anywhere; if it cannot be written, nothing is sent.
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.WebSessions.Add(new WebSessionRecord
            {
                Id = id, TenantId = tenant, EntryId = entryId, UserId = caller.User, Actor = caller.Actor.Name, Target = target.ToString(), Reason = reason,
                StartedAt = startedAt,
            });
            await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "web.session", tenant, subject, AuditOutcome.Success,
                ("session", id.ToString()), ("target", target.ToString()), ("login", target.Method.ToString().ToLowerInvariant()), ("reason", reason),
                ("client", caller.Client)), ct);
        }

        var jar = new CookieContainer();
        if (target.Method == WebLoginMethod.Form)
        {
            var login = await WebFormLogin.RunAsync(transport.Invoker, target, credential.Value!, jar, time, ct);
            if (!login.Succeeded)
            {
                await CloseRecordAsync(id, tenant, entryId, caller.Actor.Name, target, startedAt, login.Error!.Code["web.".Length..], 0, 0);
                return login.Error!;
            }
        }
        var code = WebSession.Base64Url(RandomNumberGenerator.GetBytes(32));
        var session = new WebSession(id, RandomNumberGenerator.GetString(LabelAlphabet, LabelLength), tenant, entryId, caller.User, caller.Actor.Name, target,
            reason, startedAt, credential.Value!, jar, code, time.GetUtcNow() + Options.LaunchLifetime,
            policy.SessionMaxMinutes is { } most ? TimeSpan.FromMinutes(most) : Options.DefaultMaxLength,
            policy.SessionIdleMinutes is { } idle ? TimeSpan.FromMinutes(idle) : Options.DefaultIdle);
        byLabel[session.Label] = session;
        return new Opened(id, session.Label, code);
    }

    /// <summary>The live session served on this label, or null.</summary>
    public WebSession? Find(string label) => byLabel.GetValueOrDefault(label);

    /// <summary>Trades a launch code for the browser's cookie secret (once, within a minute); null when the code is wrong, used or old.</summary>
    public string? Launch(WebSession session, string? code) => session.IsEnded ? null : session.Launch(code, time.GetUtcNow());

    /// <summary>
    /// Admits a request of the session: ends it when its policy says so (and returns why); otherwise notes the activity
    /// and returns null.
    /// </summary>
    public async Task<string?> ActivityAsync(WebSession session)
    {
        var now = time.GetUtcNow();
        if (session.IsEnded) return "ended";
        if (session.Expired(now) is { } reason)
        {
            await EndAsync(session, reason);
            return reason;
        }
        session.Touch(now);
        return null;
    }

    /// <summary>Logs a forwarded request (off the hot path) and counts it.</summary>
    public ValueTask RecordRequestAsync(WebSession session, string method, string path, int status, long bytes, CancellationToken ct)
    {
        session.Count(bytes);
        return requestLog.AddAsync(new WebRequestRecord
        {
            SessionId = session.Id, TenantId = session.Tenant, At = time.StoredNow(), Method = method.Length > 16 ? method[..16] : method,
            Path = path.Length > WebRequestRecord.MaxPath ? path[..WebRequestRecord.MaxPath] : path, Status = status, Bytes = Math.Max(0, bytes),
        }, ct);
    }

    /// <summary>Live sessions of every tenant on this node (administrators).</summary>
    public IReadOnlyList<LiveSession> Live() =>
        byLabel.Values.OrderBy(s => s.StartedAt).Select(s => new LiveSession(s.Id, s.Tenant.Value, s.EntryId, s.Actor, s.Target.ToString(), s.StartedAt,
            s.LastActivity, s.Requests, s.BytesOut)).ToList();

    /// <summary>Ends a live session at once (administrators); false when no such session is live on this node.</summary>
    public async Task<bool> TerminateAsync(Guid id, Actor by, CancellationToken ct = default)
    {
        var session = byLabel.Values.FirstOrDefault(s => s.Id == id);
        if (session is null) return false;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            await audit.RecordAsync(db, new AuditEntry(by.Name, "web.session_terminate", AuditOutcome.Success, session.Tenant,
                VaultAudit.EntryTarget(session.EntryId), by.ClientAddress, new Dictionary<string, string?> { ["session"] = id.ToString(), ["user"] = session.Actor }), ct);
        await EndAsync(session, "terminated");
        return true;
    }

    /// <summary>The user closes their own session (from the proxied page).</summary>
    public Task CloseAsync(WebSession session) => EndAsync(session, "closed");

    /// <summary>The sessions of an entry with their request logs' sizes, newest first (Manage on the entry).</summary>
    public async Task<Result<IReadOnlyList<SessionView>>> ListAsync(TenantId tenant, Guid entryId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var allowed = await ManageAsync(db, tenant, entryId, caller, "web.sessions", ct);
        if (allowed is not null) return allowed;
        var rows = await db.WebSessions.AsNoTracking().Where(s => s.TenantId == tenant && s.EntryId == entryId).OrderByDescending(s => s.StartedAt).Take(500)
            .ToListAsync(ct);
        return Result<IReadOnlyList<SessionView>>.Ok(rows.Select(s => new SessionView(s.Id, s.EntryId, s.Actor, s.Target, s.Reason, s.StartedAt, s.EndedAt,
            s.EndReason, s.Requests, s.BytesOut)).ToList());
    }

    /// <summary>A session's request log (Manage on the entry).</summary>
    public async Task<Result<IReadOnlyList<RequestView>>> RequestsAsync(TenantId tenant, Guid entryId, Guid sessionId, VaultCaller caller,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var allowed = await ManageAsync(db, tenant, entryId, caller, "web.requests", ct);
        if (allowed is not null) return allowed;
        if (!await db.WebSessions.AnyAsync(s => s.Id == sessionId && s.TenantId == tenant && s.EntryId == entryId, ct)) return VaultErrors.NotFound;
        var rows = await db.WebRequests.AsNoTracking().Where(r => r.TenantId == tenant && r.SessionId == sessionId).OrderBy(r => r.Id).Take(10_000)
            .ToListAsync(ct);
        return Result<IReadOnlyList<RequestView>>.Ok(rows.Select(r => new RequestView(r.At, r.Method, r.Path, r.Status, r.Bytes)).ToList());
    }

    private async Task<Error?> ManageAsync(CustosDbContext db, TenantId tenant, Guid entryId, VaultCaller caller, string action, CancellationToken ct)
    {
        var stamp = caller.RightsStamp ?? await accessCache.ReadStampAsync(db);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct, stamp);
        var entry = await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry);
        var subject = VaultAudit.EntryTarget(entryId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Manage)) return await VaultAudit.DenyAsync(audit, db, caller, action, tenant, subject, VaultErrors.Forbidden, ct);
        return null;
    }

    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(30);

    private async Task SweepAsync()
    {
        try
        {
            var now = time.GetUtcNow();
            foreach (var session in byLabel.Values)
                if (session.Expired(now) is { } reason)
                    await EndQuietlyAsync(session, reason);
        }
        finally
        {
            try
            {
                sweep.Change(SweepEvery, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The server is stopping.
            }
        }
    }

    private async Task EndQuietlyAsync(WebSession session, string reason)
    {
        try
        {
            await EndAsync(session, reason);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or ObjectDisposedException)
        {
            // The record stays open (no end time); the session is gone from this node either way.
        }
    }

    /// <summary>Ends the session once: it leaves the live list, its record gets the end and the end event in one transaction.</summary>
    private async Task EndAsync(WebSession session, string reason)
    {
        if (!session.TryEnd()) return;
        byLabel.TryRemove(session.Label, out _);
        await CloseRecordAsync(session.Id, session.Tenant, session.EntryId, session.Actor, session.Target, session.StartedAt, reason, session.Requests,
            session.BytesOut);
    }

    private async Task CloseRecordAsync(Guid id, TenantId tenant, Guid entryId, string actor, WebTarget target, DateTimeOffset startedAt, string reason,
        long requests, long bytes)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var row = await db.WebSessions.SingleAsync(s => s.Id == id && s.TenantId == tenant);
        row.EndedAt = time.StoredNow();
        row.EndReason = reason;
        row.Requests = requests;
        row.BytesOut = bytes;
        var seconds = (time.GetUtcNow() - startedAt).TotalSeconds.ToString("F0", CultureInfo.InvariantCulture);
        var normal = reason is "closed" or "idle" or "timeout" or "terminated" or "shutdown";
        await audit.CommitAsync(db, tx, new AuditEntry(actor, "web.session_end", normal ? AuditOutcome.Success : AuditOutcome.Failure, tenant,
            VaultAudit.EntryTarget(entryId), null, new Dictionary<string, string?>
            {
                ["session"] = id.ToString(), ["target"] = target.ToString(), ["reason"] = reason, ["seconds"] = seconds,
                ["requests"] = requests.ToString(CultureInfo.InvariantCulture), ["bytes_out"] = bytes.ToString(CultureInfo.InvariantCulture),
            }));
    }

    /// <summary>Ends every live session of this node ("shutdown"), so each has its end on record.</summary>
    public async Task EndAllAsync()
    {
        foreach (var session in byLabel.Values) await EndQuietlyAsync(session, "shutdown");
    }

    public async ValueTask DisposeAsync()
    {
        await sweep.DisposeAsync();
    }
}
