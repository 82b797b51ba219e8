using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using static Custos.Core.Keys.SegmentedStreamFormat;

namespace Custos.Core.Keys;

/// <summary>
/// Read-only stream that decrypts and authenticates <see cref="SegmentedStreamFormat"/> content segment by
/// segment, hashing the plaintext it returns.
/// </summary>
/// <remarks>
/// Only authenticated plaintext is ever returned, but it is returned as each segment verifies: a stream
/// that is cut or tampered with later fails only when that point is reached. Callers that must not act
/// on partial content should read to the end (and compare <see cref="PlaintextSha256"/> with the stored
/// checksum) before committing to what they read.
/// </remarks>
public sealed class SegmentedDecryptingStream : Stream
{
    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly byte[] _dataKey;
    private readonly byte[] _associatedData;
    private readonly byte[] _header = new byte[HeaderLength];
    private readonly byte[] _nonce = new byte[NonceSize];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private AesGcm? _aes;
    private int _segmentSize;
    private byte[]? _ciphertext;
    private byte[]? _plaintext;
    private int _ciphertextCount;
    private int _plaintextOffset;
    private int _plaintextCount;
    private long _segmentIndex;
    private long _returned;
    private bool _finalSegmentRead;
    private byte[]? _sha256;
    private bool _faulted;
    private bool _disposed;
    private bool _positioned;

    public SegmentedDecryptingStream(
        Stream input,
        ReadOnlySpan<byte> dataKey,
        ReadOnlySpan<byte> associatedData,
        bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.CanRead)
        {
            throw new ArgumentException("Input stream must be readable.", nameof(input));
        }

        ValidateKey(dataKey);
        _input = input;
        _leaveOpen = leaveOpen;
        // The header, and with it the salt needed for key derivation, is only read on first use.
        _dataKey = dataKey.ToArray();
        _associatedData = associatedData.ToArray();
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Plaintext bytes returned so far; the total once the end has been reached.</summary>
    public long PlaintextLength => _returned;

    /// <summary>SHA-256 of the whole plaintext; available once a read has returned 0 (end of stream).</summary>
    public byte[] PlaintextSha256 => _positioned
        ? throw new InvalidOperationException("A stream positioned past its start has no hash of the whole plaintext.")
        : _sha256 is { } hash
        ? (byte[])hash.Clone()
        : throw new InvalidOperationException("The plaintext hash is available only after the end of the stream has been reached.");

    /// <summary>
    /// Moves a fresh stream over a seekable input to the segment holding <paramref name="plaintextOffset"/> (range
    /// requests, resumed downloads): reads the header, seeks the input past the segments before, and returns how many
    /// plaintext bytes of that segment precede the offset, which the caller reads and drops. Every segment read is still
    /// authenticated (its index is in the nonce, so a segment moved elsewhere fails); <see cref="PlaintextSha256"/> is
    /// not available afterwards.
    /// </summary>
    public async ValueTask<int> PositionAtAsync(long plaintextOffset, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextOffset);
        EnsureReadable();
        if (_aes is not null) throw new InvalidOperationException("Only a stream that has not been read can be positioned.");
        if (!_input.CanSeek) throw new NotSupportedException("The encrypted input cannot seek.");
        Initialize(await FillAsync(_header, cancellationToken).ConfigureAwait(false));
        long segment = plaintextOffset / _segmentSize;
        if (segment == 0) return (int)plaintextOffset;
        if (segment > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(plaintextOffset));
        _input.Seek(HeaderLength + segment * (long)(_segmentSize + TagSize), SeekOrigin.Begin);
        _segmentIndex = segment;
        _returned = segment * _segmentSize;
        _positioned = true;
        return (int)(plaintextOffset % _segmentSize);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override int Read(Span<byte> buffer)
    {
        EnsureReadable();
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_plaintextOffset < _plaintextCount)
        {
            return CopyBuffered(buffer);
        }

        if (_finalSegmentRead)
        {
            return ReachEnd();
        }

        try
        {
            if (_aes is null)
            {
                int headerRead = _input.ReadAtLeast(_header, HeaderLength, throwOnEndOfStream: false);
                Initialize(headerRead);
            }

            Span<byte> target = _ciphertext.AsSpan(_ciphertextCount, SegmentReadLength - _ciphertextCount);
            int read = _input.ReadAtLeast(target, target.Length, throwOnEndOfStream: false);
            return OpenSegment(read, buffer);
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    // Pooled builder: when the inner read completes asynchronously (files, sockets) the state machine would
    // otherwise be allocated once per segment.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureReadable();
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_plaintextOffset < _plaintextCount)
        {
            return CopyBuffered(buffer.Span);
        }

        if (_finalSegmentRead)
        {
            return ReachEnd();
        }

        try
        {
            if (_aes is null)
            {
                int headerRead = await FillAsync(_header, cancellationToken).ConfigureAwait(false);
                Initialize(headerRead);
            }

            Memory<byte> target = _ciphertext.AsMemory(_ciphertextCount, SegmentReadLength - _ciphertextCount);
            int read = await FillAsync(target, cancellationToken).ConfigureAwait(false);
            return OpenSegment(read, buffer.Span);
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            ReleaseResources();
            if (!_leaveOpen)
            {
                _input.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            ReleaseResources();
            if (!_leaveOpen)
            {
                await _input.DisposeAsync().ConfigureAwait(false);
            }
        }

        base.Dispose(disposing: false);
        GC.SuppressFinalize(this);
    }

    /// <summary>One encrypted segment plus one lookahead byte, which tells whether the segment is the last.</summary>
    private int SegmentReadLength => _segmentSize + TagSize + 1;

    private void EnsureReadable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted)
        {
            throw new InvalidOperationException("An earlier read failed; the decrypting stream cannot continue.");
        }
    }

    private void Initialize(int headerRead)
    {
        if (headerRead == 0)
        {
            throw new CryptographicException("Encrypted stream is empty.");
        }

        _segmentSize = ParseHeader(_header.AsSpan(0, headerRead));
        InitializeNonce(_header, _nonce);
        try
        {
            _aes = CreateCipher(_dataKey, _header, _associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(_dataKey);
        }

        _ciphertext = ArrayPool<byte>.Shared.Rent(SegmentReadLength);
        _plaintext = ArrayPool<byte>.Shared.Rent(_segmentSize);
    }

    /// <summary>
    /// Authenticates the segment now in the ciphertext buffer and returns how many plaintext bytes were
    /// placed in <paramref name="destination"/>; 0 only for an empty final segment.
    /// </summary>
    private int OpenSegment(int bytesRead, Span<byte> destination)
    {
        _ciphertextCount += bytesRead;
        bool isLast = _ciphertextCount < SegmentReadLength;
        int segmentLength = isLast ? _ciphertextCount : SegmentReadLength - 1;
        if (segmentLength < TagSize)
        {
            throw new CryptographicException(_segmentIndex == 0 && segmentLength == 0
                ? "Encrypted stream ends right after its header."
                : $"Encrypted stream is truncated at segment {_segmentIndex}.");
        }

        if (!isLast && _segmentIndex >= uint.MaxValue)
        {
            throw new CryptographicException("Encrypted stream has more segments than the format allows.");
        }

        int plaintextLength = segmentLength - TagSize;
        // Decrypting straight into a large enough caller buffer saves a copy of every segment.
        bool direct = destination.Length >= plaintextLength;
        Span<byte> plaintext = direct ? destination[..plaintextLength] : _plaintext.AsSpan(0, plaintextLength);
        ReadOnlySpan<byte> segment = _ciphertext.AsSpan(0, segmentLength);

        SetSegmentNonce(_nonce, (uint)_segmentIndex, isLast);
        try
        {
            _aes!.Decrypt(_nonce, segment[..plaintextLength], segment[plaintextLength..], plaintext, _header);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CryptographicException(
                $"Encrypted stream is corrupt, truncated or reordered at segment {_segmentIndex}.", ex);
        }

        _hash.AppendData(plaintext);
        _segmentIndex++;
        if (isLast)
        {
            _finalSegmentRead = true;
            _ciphertextCount = 0;
        }
        else
        {
            _ciphertext![0] = _ciphertext[SegmentReadLength - 1];
            _ciphertextCount = 1;
        }

        if (direct)
        {
            _returned += plaintextLength;
            return plaintextLength == 0 ? ReachEnd() : plaintextLength;
        }

        _plaintextOffset = 0;
        _plaintextCount = plaintextLength;
        return CopyBuffered(destination);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the input ends.</summary>
    /// <remarks>Stream.ReadAtLeastAsync would do the same, but allocates whenever the input completes asynchronously.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> FillAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await _input.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private int CopyBuffered(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, _plaintextCount - _plaintextOffset);
        _plaintext.AsSpan(_plaintextOffset, count).CopyTo(destination);
        _plaintextOffset += count;
        _returned += count;
        return count;
    }

    private int ReachEnd()
    {
        _sha256 ??= _hash.GetHashAndReset();
        return 0;
    }

    private void ReleaseResources()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_dataKey);
        _aes?.Dispose();
        _hash.Dispose();
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
