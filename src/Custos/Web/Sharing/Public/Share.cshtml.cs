using Custos.Core.Sharing;
using Microsoft.AspNetCore.Authorization;

namespace Custos.Web.Sharing.Public;

/// <summary>/s/{token}: the password form, then the shared files with their download links.</summary>
[AllowAnonymous]
public sealed class ShareModel(ShareGate gate, ShareLog log, ShareVisitorCookie cookies, ShareDownloads downloads)
    : PublicLinkModel(gate, log, cookies, ShareKind.Download)
{
    public IReadOnlyList<ShareItem> Items { get; private set; } = [];

    protected override async Task LoadAsync(CancellationToken ct) => Items = await downloads.ItemsAsync(Link, ct);
}
