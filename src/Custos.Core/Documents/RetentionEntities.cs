using Custos.Core.Common;

namespace Custos.Core.Documents;

/// <summary>
/// A retention class (TOM 7.5): how long documents with its label must be kept, counted from the end of the calendar
/// year of the document date (the GoBD rule), and what happens when that time has run out. While it runs, the document
/// and its versions cannot be deleted by anyone, administrators included (WORM).
/// </summary>
public sealed class RetentionClass
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public int Years { get; set; }
    public RetentionAction Action { get; set; }
    /// <summary>Every version is kept for the period (not only the current one).</summary>
    public bool KeepVersions { get; set; } = true;
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The first day the document may go: 1 January after <see cref="Years"/> full calendar years past the document date's year.</summary>
    public DateOnly RetainUntil(DateOnly documentDate) => new(documentDate.Year + Years + 1, 1, 1);
}

public enum RetentionAction
{
    /// <summary>The sweep deletes the document (its keys destroyed, its blobs removed) and records it.</summary>
    Delete = 1,
    /// <summary>The sweep marks it for review by a Manage holder instead.</summary>
    Review = 2,
}

/// <summary>A legal hold on a document or a folder (and everything below it): no deletion until it is released.</summary>
public sealed class LegalHold
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public Guid? DocumentId { get; set; }
    public Guid? FolderId { get; set; }
    public required string Reason { get; set; }
    public required string Owner { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReleasedAt { get; set; }
    public string? ReleasedBy { get; set; }
}

/// <summary>The classes Custos ships with (German commercial and tax law); they can be changed and more added.</summary>
public static class RetentionDefaults
{
    public static readonly Guid GoBd10 = new("0191d2a0-0000-7000-8000-000000000010");
    public static readonly Guid GoBd8 = new("0191d2a0-0000-7000-8000-000000000008");
    public static readonly Guid GoBd6 = new("0191d2a0-0000-7000-8000-000000000006");

    public static IEnumerable<RetentionClass> All(DateTimeOffset createdAt) =>
    [
        new() { Id = GoBd10, Name = "GoBD 10 years", Years = 10, Action = RetentionAction.Delete, CreatedAt = createdAt, CreatedBy = "system",
            Description = "Books, inventories, annual financial statements (§ 147 (1) no. 1 AO, § 257 HGB)" },
        new() { Id = GoBd8, Name = "GoBD 8 years", Years = 8, Action = RetentionAction.Delete, CreatedAt = createdAt, CreatedBy = "system",
            Description = "Accounting vouchers, invoices (§ 147 (1) no. 4 AO since 2025)" },
        new() { Id = GoBd6, Name = "GoBD 6 years", Years = 6, Action = RetentionAction.Delete, CreatedAt = createdAt, CreatedBy = "system",
            Description = "Commercial and business letters received and sent (§ 147 (1) nos. 2, 3 AO)" },
    ];
}
