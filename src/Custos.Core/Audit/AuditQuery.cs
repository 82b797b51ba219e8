using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Audit;

public sealed record AuditFilter(string? Actor = null, string? Action = null, TenantId? Tenant = null,
    DateTimeOffset? Since = null, DateTimeOffset? Until = null);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Events, int Page, int PageSize, bool HasMore);

/// <summary>
/// Reading the log. Every read is itself recorded (TOM: the log serves security, not staff monitoring, so who looked
/// at it is evidence too); callers must have checked the auditor role.
/// </summary>
public sealed class AuditQuery(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit)
{
    public const int MaxPageSize = 200;

    public async Task<AuditPage> ReadPageAsync(AuditFilter filter, int page, int pageSize, Actor reader, CancellationToken ct = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await audit.RecordAsync(db, new AuditEntry(reader.Name, "audit.view", ClientAddress: reader.ClientAddress,
            Details: Describe(filter, ("page", page.ToString()))), ct);
        var rows = await Apply(db.AuditEvents.AsNoTracking(), filter)
            .OrderByDescending(e => e.Sequence).Skip((page - 1) * pageSize).Take(pageSize + 1).ToListAsync(ct);
        return new AuditPage(rows.Take(pageSize).ToList(), page, pageSize, rows.Count > pageSize);
    }

    /// <summary>Streams matching events in chain order; the export is recorded before the first event leaves.</summary>
    public async IAsyncEnumerable<AuditEvent> ExportAsync(AuditFilter filter, Actor reader,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await audit.RecordAsync(db, new AuditEntry(reader.Name, "audit.export", ClientAddress: reader.ClientAddress, Details: Describe(filter)), ct);
        await foreach (var e in Apply(db.AuditEvents.AsNoTracking(), filter).OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
            yield return e;
    }

    private static IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> q, AuditFilter f)
    {
        if (!string.IsNullOrWhiteSpace(f.Actor)) q = q.Where(e => e.Actor.Contains(f.Actor.Trim()));
        if (!string.IsNullOrWhiteSpace(f.Action)) q = q.Where(e => e.Action.StartsWith(f.Action.Trim()));
        if (f.Tenant is { } t) q = q.Where(e => e.TenantId == t);
        if (f.Since is { } since) q = q.Where(e => e.OccurredAt >= since);
        if (f.Until is { } until) q = q.Where(e => e.OccurredAt < until);
        return q;
    }

    private static Dictionary<string, string?> Describe(AuditFilter f, params (string Key, string Value)[] extra)
    {
        var d = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(f.Actor)) d["actor"] = f.Actor;
        if (!string.IsNullOrWhiteSpace(f.Action)) d["action"] = f.Action;
        if (f.Tenant is { } t) d["tenant"] = t.ToString();
        if (f.Since is { } s) d["since"] = s.ToString("O");
        if (f.Until is { } u) d["until"] = u.ToString("O");
        foreach (var (k, v) in extra) d[k] = v;
        return d;
    }
}
