using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using static Custos.Core.Keys.SegmentedStreamFormat;

namespace Custos.Core.Keys;

/// <summary>
/// Write-only stream that encrypts everything written to it into <see cref="SegmentedStreamFormat"/>
/// and hashes the plaintext on the way.
/// </summary>
/// <remarks>
/// <see cref="Finish"/> or <see cref="FinishAsync"/> must be called to complete the stream. Disposing an
/// unfinished stream deliberately writes no final segment, so an aborted upload is rejected as truncated
/// on decryption instead of passing for a valid, shorter stream. <see cref="Flush"/> flushes the
/// underlying stream only: a partial segment stays buffered because it is not yet known whether it is the last.
/// </remarks>
public sealed class SegmentedEncryptingStream : Stream
{
    private enum State
    {
        Open,
        Finished,
        Faulted,
        Disposed,
    }

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly int _segmentSize;
    private readonly byte[] _header = new byte[HeaderLength];
    private readonly byte[] _nonce = new byte[NonceSize];
    private readonly AesGcm _aes;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[]? _plaintext;
    private byte[]? _ciphertext;
    private int _buffered;
    private long _segmentIndex;
    private long _length;
    private bool _headerWritten;
    private byte[]? _sha256;
    private State _state;

    public SegmentedEncryptingStream(
        Stream output,
        ReadOnlySpan<byte> dataKey,
        ReadOnlySpan<byte> associatedData,
        int segmentSize = DefaultSegmentSize,
        bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("Output stream must be writable.", nameof(output));
        }

        ValidateKey(dataKey);
        ValidateSegmentSize(segmentSize);

        _output = output;
        _leaveOpen = leaveOpen;
        _segmentSize = segmentSize;
        CreateHeader(_header, segmentSize);
        InitializeNonce(_header, _nonce);
        _aes = CreateCipher(dataKey, _header, associatedData);
        _plaintext = ArrayPool<byte>.Shared.Rent(segmentSize);
        _ciphertext = ArrayPool<byte>.Shared.Rent(segmentSize + TagSize);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => _state == State.Open;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Plaintext bytes written so far; the total once the stream is finished.</summary>
    public long PlaintextLength => _length;

    /// <summary>SHA-256 of the whole plaintext; available once the stream is finished.</summary>
    public byte[] PlaintextSha256 => _sha256 is { } hash
        ? (byte[])hash.Clone()
        : throw new InvalidOperationException("The plaintext hash is available only after Finish.");

    /// <summary>The plaintext segment size written to the header.</summary>
    public int SegmentSize => _segmentSize;

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void WriteByte(byte value) => Write(new ReadOnlySpan<byte>(in value));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureOpen();
        if (buffer.IsEmpty)
        {
            return;
        }

        try
        {
            if (!_headerWritten)
            {
                _output.Write(_header);
                _headerWritten = true;
            }

            while (!buffer.IsEmpty)
            {
                int sealedLength;
                if (_buffered == _segmentSize)
                {
                    // More data is arriving, so the buffered segment is known not to be the last.
                    sealedLength = SealBuffered(isLast: false);
                }
                else if (_buffered == 0 && buffer.Length > _segmentSize)
                {
                    sealedLength = AbsorbAndSeal(buffer[.._segmentSize]);
                    buffer = buffer[_segmentSize..];
                }
                else
                {
                    buffer = buffer[BufferCount(buffer)..];
                    continue;
                }

                _output.Write(_ciphertext!, 0, sealedLength);
            }
        }
        catch
        {
            _state = State.Faulted;
            throw;
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    // Pooled builder: when the inner write completes asynchronously (files, sockets) the state machine would
    // otherwise be allocated once per segment.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        if (buffer.IsEmpty)
        {
            return;
        }

        try
        {
            if (!_headerWritten)
            {
                await _output.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
                _headerWritten = true;
            }

            while (!buffer.IsEmpty)
            {
                int sealedLength;
                if (_buffered == _segmentSize)
                {
                    sealedLength = SealBuffered(isLast: false);
                }
                else if (_buffered == 0 && buffer.Length > _segmentSize)
                {
                    sealedLength = AbsorbAndSeal(buffer.Span[.._segmentSize]);
                    buffer = buffer[_segmentSize..];
                }
                else
                {
                    buffer = buffer[BufferCount(buffer.Span)..];
                    continue;
                }

                await _output.WriteAsync(_ciphertext.AsMemory(0, sealedLength), cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            _state = State.Faulted;
            throw;
        }
    }

    /// <summary>
    /// Writes the final segment and flushes the output. Afterwards no more data can be written and
    /// <see cref="PlaintextSha256"/> is available. Calling it again has no effect.
    /// </summary>
    public void Finish()
    {
        if (_state == State.Finished)
        {
            return;
        }

        EnsureOpen();
        try
        {
            if (!_headerWritten)
            {
                _output.Write(_header);
                _headerWritten = true;
            }

            int sealedLength = SealBuffered(isLast: true);
            _output.Write(_ciphertext!, 0, sealedLength);
            _output.Flush();
            Complete();
        }
        catch
        {
            _state = State.Faulted;
            throw;
        }
    }

    /// <inheritdoc cref="Finish"/>
    public async Task FinishAsync(CancellationToken cancellationToken = default)
    {
        if (_state == State.Finished)
        {
            return;
        }

        EnsureOpen();
        try
        {
            if (!_headerWritten)
            {
                await _output.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
                _headerWritten = true;
            }

            int sealedLength = SealBuffered(isLast: true);
            await _output.WriteAsync(_ciphertext.AsMemory(0, sealedLength), cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            Complete();
        }
        catch
        {
            _state = State.Faulted;
            throw;
        }
    }

    public override void Flush()
    {
        if (_state is State.Open or State.Finished)
        {
            _output.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _state is State.Open or State.Finished ? _output.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _state != State.Disposed)
        {
            ReleaseResources();
            if (!_leaveOpen)
            {
                _output.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_state != State.Disposed)
        {
            ReleaseResources();
            if (!_leaveOpen)
            {
                await _output.DisposeAsync().ConfigureAwait(false);
            }
        }

        base.Dispose(disposing: false);
        GC.SuppressFinalize(this);
    }

    private void EnsureOpen()
    {
        switch (_state)
        {
            case State.Open:
                return;
            case State.Finished:
                throw new InvalidOperationException("The encrypted stream has already been finished.");
            case State.Faulted:
                throw new InvalidOperationException("An earlier write failed; the encrypted stream is incomplete and cannot be continued.");
            default:
                throw new ObjectDisposedException(nameof(SegmentedEncryptingStream));
        }
    }

    // Hashing each piece right where it is encrypted or copied keeps it in cache for the second pass over it.
    private void Absorb(ReadOnlySpan<byte> plaintext)
    {
        _hash.AppendData(plaintext);
        _length += plaintext.Length;
    }

    private int AbsorbAndSeal(ReadOnlySpan<byte> segment)
    {
        Absorb(segment);
        return Seal(segment, isLast: false);
    }

    /// <summary>Copies as much as fits into the segment buffer and returns how much that was.</summary>
    private int BufferCount(ReadOnlySpan<byte> plaintext)
    {
        int count = Math.Min(plaintext.Length, _segmentSize - _buffered);
        Absorb(plaintext[..count]);
        plaintext[..count].CopyTo(_plaintext.AsSpan(_buffered));
        _buffered += count;
        return count;
    }

    private int SealBuffered(bool isLast)
    {
        int sealedLength = Seal(_plaintext.AsSpan(0, _buffered), isLast);
        _buffered = 0;
        return sealedLength;
    }

    /// <summary>Encrypts one segment into the ciphertext buffer and returns its encrypted length.</summary>
    private int Seal(ReadOnlySpan<byte> plaintext, bool isLast)
    {
        // The last segment still needs an index of its own, so a non-last one may not take the final index.
        if (isLast ? _segmentIndex > uint.MaxValue : _segmentIndex >= uint.MaxValue)
        {
            throw new IOException("The encrypted stream exceeds the maximum number of segments.");
        }

        SetSegmentNonce(_nonce, (uint)_segmentIndex, isLast);
        Span<byte> output = _ciphertext.AsSpan(0, plaintext.Length + TagSize);
        _aes.Encrypt(_nonce, plaintext, output[..plaintext.Length], output[plaintext.Length..], _header);
        _segmentIndex++;
        return output.Length;
    }

    private void Complete()
    {
        _sha256 = _hash.GetHashAndReset();
        _state = State.Finished;
        ReturnBuffers();
    }

    private void ReleaseResources()
    {
        _state = State.Disposed;
        ReturnBuffers();
        _aes.Dispose();
        _hash.Dispose();
    }

    private void ReturnBuffers()
    {
        if (_plaintext is { } plaintext)
        {
            _plaintext = null;
            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, _segmentSize));
            ArrayPool<byte>.Shared.Return(plaintext);
        }

        if (_ciphertext is { } ciphertext)
        {
            _ciphertext = null;
            ArrayPool<byte>.Shared.Return(ciphertext);
        }
    }
}
