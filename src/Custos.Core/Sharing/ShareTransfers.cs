using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Sluice;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sharing;

/// <summary>
/// Files a sender uploads to hand on through a link without filing them as documents (as with Bitwarden Send): each is
/// screened by the sluice before it is kept (nothing enters unchecked, TOM 10.4), then stored encrypted under a key of
/// its own, outside the document store; the link deletes it when it ends (TOM 7.6). Allowed to anyone who may write
/// documents somewhere in the tenant.
/// </summary>
public sealed class ShareTransfers(IDbContextFactory<CustosDbContext> dbFactory, SluiceScreen screen, DocumentContent content, DocumentAccessCache accessCache)
{
    public async Task<Result<ShareItem>> ReceiveAsync(TenantId tenant, string? fileName, string? mediaType, Stream body, DocumentCaller caller,
        CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var access = await accessCache.GetAsync(db, caller, tenant, ct);
            if (!access.On(null).Allows(DocumentRights.Write) && !access.Projects.Any(p => access.On(p).Allows(DocumentRights.Write)))
                return access.CanSeeTenant ? DocumentErrors.Forbidden : DocumentErrors.NotFound;
        }
        var named = DocumentNames.Validate(ShareUploads.BaseName(fileName));
        if (!named.Succeeded) return named.Error!;
        var id = Guid.CreateVersion7();
        DocumentContent.Stored? stored = null;
        var screened = await screen.ScreenAsync(tenant, body, named.Value!, $"share-transfer:{id}", caller.Actor,
            async (checkedFile, token) => stored = await content.StoreAsync(tenant, id, checkedFile, token), ct);
        if (!screened.Succeeded || stored is null)
        {
            if (stored is not null) await content.DiscardAsync(stored.Address, CancellationToken.None);
            return screened.Error ?? SluiceScreen.Unavailable;
        }
        return new ShareItem
        {
            Id = id, TenantId = tenant, Kind = ShareItemKind.Transfer, Name = named.Value!, Size = stored.Size, MediaType = DocumentNames.MediaType(mediaType),
            Sha256 = stored.Sha256, BlobAddress = stored.Address, WrappedKey = stored.WrappedKey,
        };
    }

    /// <summary>Deletes received files no link took over (the link could not be created).</summary>
    public async Task DiscardAsync(IEnumerable<ShareItem> received)
    {
        foreach (var item in received)
            if (item.BlobAddress is { } address) await content.DiscardAsync(address, CancellationToken.None);
    }
}
