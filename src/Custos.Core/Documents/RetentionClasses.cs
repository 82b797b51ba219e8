using System.Globalization;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// The retention classes of the installation (shared by all tenants): anyone may list them to choose a label, only
/// administrators create or change them. A changed duration applies to every document under the class at once, but
/// never shortens a retention that is running (WORM).
/// </summary>
public sealed class RetentionClasses(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const int MaxYears = 100;

    public async Task<IReadOnlyList<RetentionClassView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var classes = await db.RetentionClasses.AsNoTracking().ToListAsync(ct);
        return classes.OrderBy(c => c.Name, StringComparer.Ordinal).Select(RetentionClassView.Of).ToList();
    }

    public async Task<Result<RetentionClassView>> CreateAsync(RetentionClassInput input, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!caller.IsAdministrator) return await DenyAsync(db, caller, "retention.class_create", "retention-classes", ct);
        if (input.Name is null || input.Years is null) return DocumentRetentionErrors.ClassInvalid("A class needs a name and a number of years.");
        var cls = new RetentionClass
        {
            Id = Guid.CreateVersion7(), Name = "", Years = 0, Action = RetentionAction.Delete, CreatedAt = time.StoredNow(), CreatedBy = caller.Actor.Name,
        };
        if (Apply(cls, input) is { } invalid) return invalid;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.RetentionClasses.AnyAsync(c => c.Name == cls.Name, ct)) return DocumentRetentionErrors.ClassNameTaken;
        db.RetentionClasses.Add(cls);
        try
        {
            await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "retention.class_create", TenantId.System, Target(cls.Id), AuditOutcome.Success,
                Details(cls)), ct);
        }
        catch (DbUpdateException)
        {
            // The unique name index decides a race the check above could not see (PostgreSQL, two administrators at once).
            return DocumentRetentionErrors.ClassNameTaken;
        }
        return RetentionClassView.Of(cls);
    }

    /// <summary>Changes the given fields; a new duration recomputes the end date of every document under the class.</summary>
    public async Task<Result<RetentionClassView>> UpdateAsync(Guid id, RetentionClassInput input, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!caller.IsAdministrator) return await DenyAsync(db, caller, "retention.class_update", Target(id), ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var cls = await db.RetentionClasses.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (cls is null) return DocumentRetentionErrors.NoSuchClass;
        var (name, years) = (cls.Name, cls.Years);
        if (Apply(cls, input) is { } invalid) return invalid;
        if (cls.Name != name && await db.RetentionClasses.AnyAsync(c => c.Name == cls.Name && c.Id != id, ct)) return DocumentRetentionErrors.ClassNameTaken;
        // Saved before the recomputation reads the class, in the same transaction.
        await db.SaveChangesAsync(ct);
        var recomputed = 0;
        if (cls.Years != years)
        {
            // Every tenant's documents: labelled with the class, or unlabelled in a folder whose default it is.
            var defaults = await RetentionRecompute.FolderDefaultsAsync(db, null, ct);
            var folders = defaults.Where(f => f.Value == id).Select(f => f.Key).ToList();
            var applied = await RetentionRecompute.ApplyAsync(db,
                db.Documents.Where(d => d.RetentionClassId == id || (d.RetentionClassId == null && folders.Contains(d.FolderId))), defaults,
                RetentionGuards.Today(time), ct);
            if (!applied.Succeeded) return applied.Error!;
            recomputed = applied.Value;
        }
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "retention.class_update", TenantId.System, Target(id), AuditOutcome.Success,
            [.. Details(cls), ("previousName", name), ("previousYears", years.ToString(CultureInfo.InvariantCulture)),
                ("documentsRecomputed", recomputed.ToString(CultureInfo.InvariantCulture))]), ct);
        return RetentionClassView.Of(cls);
    }

    /// <summary>Copies the given fields onto the class; the error when one is invalid.</summary>
    private static Error? Apply(RetentionClass cls, RetentionClassInput input)
    {
        if (input.Name is not null)
        {
            var name = input.Name.Trim();
            if (name.Length is 0 or > 100 || name.Any(char.IsControl))
                return DocumentRetentionErrors.ClassInvalid("A class name has 1 to 100 characters and no control characters.");
            cls.Name = name;
        }
        if (input.Years is { } years)
        {
            if (years is < 1 or > MaxYears) return DocumentRetentionErrors.ClassInvalid($"A retention lasts 1 to {MaxYears} years.");
            cls.Years = years;
        }
        if (input.Action is { } action)
        {
            if (!Enum.IsDefined(action)) return DocumentRetentionErrors.ClassInvalid("The action is Delete or Review.");
            cls.Action = action;
        }
        if (input.KeepVersions is { } keep) cls.KeepVersions = keep;
        if (input.Description is not null)
        {
            if (input.Description.Length > 500) return DocumentRetentionErrors.ClassInvalid("A description has at most 500 characters.");
            cls.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        }
        return null;
    }

    private async Task<Error> DenyAsync(CustosDbContext db, DocumentCaller caller, string action, string target, CancellationToken ct)
    {
        await audit.RecordAsync(db, DocumentAudit.Entry(caller, action, TenantId.System, target, AuditOutcome.Denied,
            ("reason", DocumentRetentionErrors.AdministratorsOnly.Code)), ct);
        return DocumentRetentionErrors.AdministratorsOnly;
    }

    private static string Target(Guid id) => $"retention-class:{id}";

    private static (string Key, string? Value)[] Details(RetentionClass c) =>
    [
        ("name", c.Name), ("years", c.Years.ToString(CultureInfo.InvariantCulture)), ("action", c.Action.ToString()),
        ("keepVersions", c.KeepVersions ? "true" : "false"), ("description", c.Description),
    ];
}
