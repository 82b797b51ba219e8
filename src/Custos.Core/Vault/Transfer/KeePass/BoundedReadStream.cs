namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Charges every byte read from the inner stream to a <see cref="SizeBudget"/>.</summary>
internal sealed class BoundedReadStream(Stream inner, SizeBudget budget) : ForwardOnlyStream
{
    public override bool CanRead => true;

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        budget.Take(read);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
