using Custos.Core.Sharing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Sharing.Public;

/// <summary>/u/{token}: the password form, then the file drop (a plain form posting to /u/{token}/files) and what this visitor sent.</summary>
[AllowAnonymous]
public sealed class UploadModel(ShareGate gate, ShareLog log, ShareVisitorCookie cookies, ShareUploads uploads)
    : PublicLinkModel(gate, log, cookies, ShareKind.Upload)
{
    public IReadOnlyList<ShareEventView> Sent { get; private set; } = [];
    [FromQuery(Name = "sent")] public int? Accepted { get; set; }
    [FromQuery(Name = "error")] public string? Error { get; set; }
    public int FilesLeft => Math.Max(0, (Link.MaxFiles ?? 0) - Link.UploadedFiles);
    public long BytesLeft => Math.Max(0, (Link.MaxBytes ?? 0) - Link.UploadedBytes);

    protected override async Task LoadAsync(CancellationToken ct) => Sent = await uploads.SentAsync(Link, Visitor.Id, ct);
}
