using Org.BouncyCastle.Crypto;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Applies a stream cipher (ChaCha20) to everything read from or written to the inner stream.</summary>
internal sealed class StreamCipherStream(Stream inner, IStreamCipher cipher, bool writing, bool leaveOpen)
    : ForwardOnlyStream
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    public override bool CanRead => !writing;
    public override bool CanWrite => writing;

    public override int Read(Span<byte> buffer)
    {
        if (writing)
        {
            throw new NotSupportedException();
        }

        int read = inner.Read(buffer);
        cipher.ProcessBytes(buffer[..read], buffer[..read]);
        return read;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!writing)
        {
            throw new NotSupportedException();
        }

        while (!buffer.IsEmpty)
        {
            int count = Math.Min(buffer.Length, _buffer.Length);
            cipher.ProcessBytes(buffer[..count], _buffer.AsSpan(0, count));
            inner.Write(_buffer, 0, count);
            buffer = buffer[count..];
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
