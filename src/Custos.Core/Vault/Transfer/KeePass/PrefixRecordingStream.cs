namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Keeps the first bytes read through it, so an XML error before the root element can be told apart:
/// .NET reports a prohibited DTD as an ordinary <see cref="System.Xml.XmlException"/>.</summary>
internal sealed class PrefixRecordingStream(Stream inner, int capacity) : ForwardOnlyStream
{
    private readonly MemoryStream _prefix = new();

    public override bool CanRead => true;

    public ReadOnlySpan<byte> Prefix => _prefix.GetBuffer().AsSpan(0, (int)_prefix.Length);

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        int keep = (int)Math.Min(read, capacity - _prefix.Length);
        if (keep > 0)
        {
            _prefix.Write(buffer[..keep]);
        }

        return read;
    }
}
