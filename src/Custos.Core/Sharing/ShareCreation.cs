using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sharing;

/// <summary>
/// Creates links (Read on every shared document; Write on the folder of an upload request). The expiry is required and
/// bounded by the tenant's policy; the password is required unless the policy says otherwise. The link, its items and
/// the audit event are written in one transaction; the token and generated passwords are returned once and not kept.
/// </summary>
public sealed class ShareCreation(
    IDbContextFactory<CustosDbContext> dbFactory,
    AuditLog audit,
    DocumentAccessCache accessCache,
    SharePolicies policies,
    SharePackaging packaging,
    PasswordHasher hasher,
    TimeProvider time,
    SharingOptions options)
{
    /// <param name="transfers">
    /// Files the sender uploaded for this link alone (<see cref="ShareTransfers"/>), already checked and stored; the
    /// link takes them over, and they are deleted with it. The caller discards them if this fails.
    /// </param>
    public async Task<Result<CreatedShare>> ShareAsync(TenantId tenant, ShareRequest request, DocumentCaller caller, CancellationToken ct = default,
        IReadOnlyList<ShareItem>? transfers = null)
    {
        transfers ??= [];
        if (Common(request.Recipient, request.Message) is { } invalid) return invalid;
        if (request.DownloadLimit is < 1 or > 10_000) return ShareErrors.Invalid("A download limit is between 1 and 10,000.");
        if (request.Documents.Count == 0 && request.FolderId is null && transfers.Count == 0) return ShareErrors.NothingToShare;
        if (request.Documents.Count > 0 && request.FolderId is not null) return ShareErrors.Invalid("Share documents or a folder, not both.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var policy = await policies.GetAsync(db, tenant, ct);
        var now = time.StoredNow();
        var expiry = Expiry(request.ExpiresAt, policy, now);
        if (!expiry.Succeeded) return expiry.Error!;
        var password = Password(request.PasswordMode, request.Password, policy, request.Language);
        if (!password.Succeeded) return password.Error!;

        var gathered = request.FolderId is { } folder
            ? await GatherFolderAsync(db, tenant, folder, caller, ct)
            : await GatherDocumentsAsync(db, tenant, request.Documents, caller, ct);
        if (!gathered.Succeeded) return gathered.Error!;
        var versions = gathered.Value!;
        if (versions.Count + transfers.Count == 0) return ShareErrors.NothingToShare;
        if (versions.Count + transfers.Count > options.MaxItems) return ShareErrors.TooManyItems;

        var link = NewLink(tenant, ShareKind.Download, caller, now, expiry.Value!, password.Value!, request.Recipient, request.Message);
        link.DownloadLimit = request.DownloadLimit;
        link.Sensitive = request.Sensitive;
        link.NotifyOnFirstDownload = request.NotifyOnFirstDownload;
        var items = versions.Select(v => new ShareItem
        {
            Id = Guid.CreateVersion7(), ShareId = link.Id, TenantId = tenant, Kind = ShareItemKind.Document, DocumentId = v.Version.DocumentId,
            VersionNumber = v.Version.Number, Name = v.Name, Size = v.Version.Size, MediaType = v.Version.MediaType, Sha256 = v.Version.Sha256,
        }).ToList();
        foreach (var transfer in transfers)
        {
            transfer.ShareId = link.Id;
            items.Add(transfer);
        }

        SharePackaging.Built? package = null;
        if (request.Sensitive)
        {
            var built = await packaging.BuildAsync(tenant, link, [.. versions, .. transfers.Select(Gathered.Of)], request.Language, ct);
            if (!built.Succeeded) return built.Error!;
            package = built.Value!;
            items.Add(package.Item);
        }

        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.ShareLinks.Add(link);
            db.ShareItems.AddRange(items);
            await db.SaveChangesAsync(ct);
            await audit.CommitAsync(db, tx, Event(caller, "share.create", link,
                ("kind", "download"), ("items", items.Count(i => i.Kind == ShareItemKind.Document).ToString()),
                ("transfers", transfers.Count == 0 ? null : string.Join(", ", transfers.Select(t => $"{t.Name} ({t.Size} bytes, sha256 {Convert.ToHexStringLower(t.Sha256)})"))),
                ("documents", string.Join(',', versions.Select(v => $"{v.Version.DocumentId}@{v.Version.Number}").Take(50))),
                ("folder", request.FolderId?.ToString()), ("expiresAt", link.ExpiresAt.ToString("O")), ("password", (link.PasswordHash is not null).ToString()),
                ("limit", link.DownloadLimit?.ToString()), ("sensitive", link.Sensitive.ToString()), ("package", package?.Result.Kind.ToString()),
                ("recipient", link.Recipient)), ct);
        }
        catch
        {
            if (package is not null) await packaging.DiscardAsync(package.Item, CancellationToken.None);
            throw;
        }
        return new CreatedShare(ShareView.Of(link, items, now), password.Value!.Token, $"/s/{password.Value!.Token}", password.Value!.Shown,
            package?.Password, package?.Result.FallbackReason);
    }

    public async Task<Result<CreatedShare>> RequestUploadsAsync(TenantId tenant, UploadRequest request, DocumentCaller caller, CancellationToken ct = default)
    {
        if (Common(request.Recipient, request.Message) is { } invalid) return invalid;
        if (request.MaxFiles is < 1 or > 1000) return ShareErrors.Invalid("An upload request takes between 1 and 1,000 files.");
        if (request.MaxBytes is < 1) return ShareErrors.Invalid("The size limit must be positive.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var policy = await policies.GetAsync(db, tenant, ct);
        if (!policy.UploadRequestsAllowed) return ShareErrors.UploadsOff;
        var now = time.StoredNow();
        var expiry = Expiry(request.ExpiresAt, policy, now);
        if (!expiry.Succeeded) return expiry.Error!;
        var password = Password(request.PasswordMode, request.Password, policy, request.Language);
        if (!password.Succeeded) return password.Error!;
        var folder = await FolderGate.AdmitAsync(db, audit, accessCache, tenant, request.FolderId, caller, DocumentRights.Write, "share.request", ct);
        if (!folder.Succeeded) return folder.Error!;

        var link = NewLink(tenant, ShareKind.Upload, caller, now, expiry.Value!, password.Value!, request.Recipient, request.Message);
        link.FolderId = request.FolderId;
        link.MaxFiles = request.MaxFiles ?? options.DefaultMaxFiles;
        link.MaxBytes = request.MaxBytes ?? options.DefaultMaxBytes;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, Event(caller, "share.create", link, ("kind", "upload"), ("folder", request.FolderId.ToString()),
            ("expiresAt", link.ExpiresAt.ToString("O")), ("password", (link.PasswordHash is not null).ToString()), ("maxFiles", link.MaxFiles.ToString()),
            ("maxBytes", link.MaxBytes.ToString()), ("recipient", link.Recipient)), ct);
        return new CreatedShare(ShareView.Of(link, [], now), password.Value!.Token, $"/u/{password.Value!.Token}", password.Value!.Shown, null, null);
    }

    internal static AuditEntry Event(DocumentCaller caller, string action, ShareLink link, params (string Key, string? Value)[] details) =>
        new(caller.Actor.Name, action, AuditOutcome.Success, link.TenantId, $"share:{link.Id}", caller.Actor.ClientAddress,
            details.Where(d => d.Value is not null).ToDictionary(d => d.Key, d => d.Value));

    private static Error? Common(string? recipient, string? message) =>
        recipient is { Length: > 200 } ? ShareErrors.Invalid("The recipient has at most 200 characters.")
        : message is { Length: > 1000 } ? ShareErrors.Invalid("The message has at most 1,000 characters.")
        : null;

    private ShareLink NewLink(TenantId tenant, ShareKind kind, DocumentCaller caller, DateTimeOffset now, Lifetime lifetime, Secrets secrets,
        string? recipient, string? message) => new()
    {
        Id = Guid.CreateVersion7(), TenantId = tenant, Kind = kind, TokenHash = ShareTokens.Hash(secrets.Token)!,
        Recipient = Clean(recipient), Message = Clean(message), CreatedBy = caller.User, CreatedByName = caller.UserName, CreatedAt = now,
        ExpiresAt = lifetime.ExpiresAt, ExpiryCeiling = lifetime.Ceiling, PasswordHash = secrets.Hash,
    };

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    internal sealed record Lifetime(DateTimeOffset ExpiresAt, DateTimeOffset Ceiling);

    private static Result<Lifetime> Expiry(DateTimeOffset? asked, SharePolicies.Policy policy, DateTimeOffset now)
    {
        var ceiling = now.AddDays(policy.MaxExpiryDays);
        var expiry = (asked ?? now.AddDays(policy.DefaultExpiryDays)).ToStoredPrecision();
        if (expiry <= now) return ShareErrors.Invalid("The expiry must lie in the future.");
        if (expiry > ceiling) return ShareErrors.ExpiryTooLate(ceiling);
        return new Lifetime(expiry, ceiling);
    }

    private sealed record Secrets(string Token, string? Hash, string? Shown);

    private Result<Secrets> Password(SharePasswordMode mode, string? given, SharePolicies.Policy policy, string language)
    {
        var token = ShareTokens.New();
        switch (mode)
        {
            case SharePasswordMode.None when policy.PasswordRequired:
                return ShareErrors.PasswordRequired;
            case SharePasswordMode.None:
                return new Secrets(token, null, null);
            case SharePasswordMode.Given when given is null || given.Length < SharePasswords.MinimumGivenLength || given.Length > 200:
                return ShareErrors.Invalid($"A link password has between {SharePasswords.MinimumGivenLength} and 200 characters.");
            case SharePasswordMode.Given:
                return new Secrets(token, hasher.Hash(given!), null);
            default:
                var generated = SharePasswords.Generate(language);
                return new Secrets(token, hasher.Hash(generated), generated);
        }
    }

    internal sealed record Gathered(DocumentVersion Version, string Name)
    {
        /// <summary>A transfer's stored file in the shape of a version (its row id is the item's), for the packager.</summary>
        public static Gathered Of(ShareItem transfer) => new(new DocumentVersion
        {
            Id = transfer.Id, TenantId = transfer.TenantId, Size = transfer.Size, Sha256 = transfer.Sha256, MediaType = transfer.MediaType,
            Author = "", BlobAddress = transfer.BlobAddress!, WrappedKey = transfer.WrappedKey!,
        }, transfer.Name);
    }

    private async Task<Result<List<Gathered>>> GatherDocumentsAsync(CustosDbContext db, TenantId tenant, IReadOnlyList<ShareDocument> documents,
        DocumentCaller caller, CancellationToken ct)
    {
        if (documents.Count > options.MaxItems) return ShareErrors.TooManyItems;
        var found = new List<Gathered>();
        foreach (var d in documents.DistinctBy(d => d.DocumentId))
        {
            var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, d.DocumentId, caller, DocumentRights.Read, "share.create", ct);
            if (!admitted.Succeeded) return admitted.Error!;
            var document = admitted.Value!.Document;
            var number = d.Version ?? document.CurrentVersion;
            var version = await db.DocumentVersions.AsNoTracking().SingleOrDefaultAsync(v => v.DocumentId == d.DocumentId && v.TenantId == tenant && v.Number == number, ct);
            if (version is null) return DocumentErrors.NotFound;
            found.Add(new Gathered(version, document.Name));
        }
        return Unique(found);
    }

    /// <summary>The folder's documents and those of its subfolders, as they are now, named by their path below the folder.</summary>
    private async Task<Result<List<Gathered>>> GatherFolderAsync(CustosDbContext db, TenantId tenant, Guid folderId, DocumentCaller caller, CancellationToken ct)
    {
        var admitted = await FolderGate.AdmitAsync(db, audit, accessCache, tenant, folderId, caller, DocumentRights.Read, "share.create", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        var folders = await db.DocumentFolders.AsNoTracking().Where(f => f.TenantId == tenant).Select(f => new { f.Id, f.ParentId, f.Name }).ToListAsync(ct);
        var paths = new Dictionary<Guid, string> { [folderId] = "" };
        var queue = new Queue<Guid>([folderId]);
        while (queue.Count > 0)
        {
            var parent = queue.Dequeue();
            foreach (var child in folders.Where(f => f.ParentId == parent))
            {
                paths[child.Id] = paths[parent] + child.Name + "/";
                queue.Enqueue(child.Id);
            }
        }
        var ids = paths.Keys.ToList();
        var documents = await db.Documents.AsNoTracking().Where(d => d.TenantId == tenant && ids.Contains(d.FolderId)).ToListAsync(ct);
        documents = documents.Where(d => access.OnDocument(d).Allows(DocumentRights.Read)).ToList();
        if (documents.Count > options.MaxItems) return ShareErrors.TooManyItems;
        var found = new List<Gathered>();
        foreach (var document in documents.OrderBy(d => paths[d.FolderId] + d.Name, StringComparer.Ordinal))
        {
            var version = await db.DocumentVersions.AsNoTracking()
                .SingleAsync(v => v.DocumentId == document.Id && v.TenantId == tenant && v.Number == document.CurrentVersion, ct);
            found.Add(new Gathered(version, paths[document.FolderId] + document.Name));
        }
        return Unique(found);
    }

    /// <summary>Two documents of the same name (from different folders given one by one) are told apart: "name (2).ext".</summary>
    private static List<Gathered> Unique(List<Gathered> found)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return found.Select(g =>
        {
            var name = g.Name;
            for (var n = 2; !taken.Add(name); n++)
                name = $"{Path.GetFileNameWithoutExtension(g.Name)} ({n}){Path.GetExtension(g.Name)}";
            return g with { Name = name };
        }).ToList();
    }
}
