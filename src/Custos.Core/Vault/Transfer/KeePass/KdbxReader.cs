using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Xml;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Reads KeePass KDBX 3.1 and 4.x databases (AES-256 or ChaCha20; AES-KDF, Argon2d or Argon2id) into a
/// <see cref="TransferDocument"/>. Every failure is a <see cref="TransferFormatException"/> with a
/// <see cref="KdbxErrorCodes"/> code and a message free of secret values.</summary>
public static class KdbxReader
{
    /// <summary>How much of the XML is kept to recognise a DTD (which is declared before the root element).</summary>
    private const int PrologBytes = 64 * 1024;

    public static TransferDocument Read(Stream input, KdbxCredentials credentials, KdbxReadLimits? limits = null) =>
        Read(input, credentials, limits, timings: null);

    /// <param name="timings">Filled with the time spent, when given.</param>
    public static TransferDocument Read(Stream input, KdbxCredentials credentials, KdbxReadLimits? limits,
        KdbxReadTimings? timings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(credentials);
        limits ??= KdbxReadLimits.Default;
        var clock = Stopwatch.StartNew();
        try
        {
            var header = KdbxHeader.Read(input);
            var document = header.Major == KdbxFormat.Major4
                ? ReadKdbx4(input, header, credentials, limits, timings)
                : ReadKdbx3(input, header, credentials, limits, timings);
            if (timings is not null)
            {
                timings.Total = clock.Elapsed;
            }

            return document;
        }
        catch (EndOfStreamException e)
        {
            throw KdbxError.Truncated(e);
        }
        catch (InvalidDataException e)
        {
            throw KdbxError.Corrupt("The database's compressed data is damaged.", e);
        }
        catch (CryptographicException e)
        {
            throw KdbxError.Corrupt("The database's encrypted data is damaged.", e);
        }
    }

    private static TransferDocument ReadKdbx4(Stream input, KdbxHeader header, KdbxCredentials credentials,
        KdbxReadLimits limits, KdbxReadTimings? timings)
    {
        var storedHash = new byte[32];
        var storedHmac = new byte[32];
        input.ReadExactly(storedHash);
        input.ReadExactly(storedHmac);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(header.Raw), storedHash))
        {
            throw KdbxError.Corrupt("The database header fails its checksum; the file is damaged.");
        }

        var transformed = DeriveKey(header, credentials, limits, timings);
        var encryptionKey = KdbxKeys.EncryptionKey(header.MasterSeed, transformed);
        var hmacKey = KdbxKeys.HmacKey(header.MasterSeed, transformed);
        CryptographicOperations.ZeroMemory(transformed);
        InnerHeader? inner = null;
        try
        {
            // The header is intact (its hash matched), so a wrong MAC means a wrong key.
            if (!CryptographicOperations.FixedTimeEquals(KdbxKeys.HeaderHmac(hmacKey, header.Raw), storedHmac))
            {
                throw KdbxError.WrongKey("The password or key file is wrong.");
            }

            var budget = new SizeBudget(limits.MaxDecompressedBytes);
            using var payload = OpenPayload(
                OuterCipher.Decrypt(header.Cipher, encryptionKey, header.EncryptionIv,
                    new HmacBlockReadStream(input, hmacKey), leaveOpen: false),
                header.Compressed, budget);
            inner = InnerHeader.Read(payload);
            var protector = InnerRandomStream.Create(inner.Algorithm, inner.StreamKey);
            return ReadXml(payload, protector, limits, budget, inner.Binaries, out _);
        }
        finally
        {
            inner?.ZeroKey();
            CryptographicOperations.ZeroMemory(encryptionKey);
            CryptographicOperations.ZeroMemory(hmacKey);
        }
    }

    private static TransferDocument ReadKdbx3(Stream input, KdbxHeader header, KdbxCredentials credentials,
        KdbxReadLimits limits, KdbxReadTimings? timings)
    {
        var transformed = DeriveKey(header, credentials, limits, timings);
        var encryptionKey = KdbxKeys.EncryptionKey(header.MasterSeed, transformed);
        CryptographicOperations.ZeroMemory(transformed);
        try
        {
            using var decrypted = OuterCipher.Decrypt(header.Cipher, encryptionKey, header.EncryptionIv, input, leaveOpen: true);
            var startBytes = new byte[32];
            decrypted.ReadExactly(startBytes);
            if (!CryptographicOperations.FixedTimeEquals(startBytes, header.StreamStartBytes))
            {
                throw KdbxError.WrongKey("The password or key file is wrong.");
            }

            var budget = new SizeBudget(limits.MaxDecompressedBytes);
            using var payload = OpenPayload(new HashedBlockReadStream(decrypted), header.Compressed, budget);
            var protector = InnerRandomStream.Create(header.InnerStream, header.ProtectedStreamKey);
            var document = ReadXml(payload, protector, limits, budget, [], out var headerHash);
            // KDBX 3 has no header MAC; the XML carries the header's hash so a changed header is still caught.
            if (headerHash is not null && !CryptographicOperations.FixedTimeEquals(SHA256.HashData(header.Raw), headerHash))
            {
                throw KdbxError.Corrupt("The database header does not match the hash stored in the database.");
            }

            return document;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encryptionKey);
        }
    }

    private static byte[] DeriveKey(KdbxHeader header, KdbxCredentials credentials, KdbxReadLimits limits,
        KdbxReadTimings? timings)
    {
        header.Kdf.Check(limits);
        var clock = Stopwatch.StartNew();
        var composite = credentials.ComputeCompositeKey();
        try
        {
            return header.Kdf.Derive(composite);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(composite);
            if (timings is not null)
            {
                timings.KeyDerivation = clock.Elapsed;
            }
        }
    }

    private static Stream OpenPayload(Stream decrypted, bool compressed, SizeBudget budget) =>
        new BoundedReadStream(compressed ? new GZipStream(decrypted, CompressionMode.Decompress) : decrypted, budget);

    private static TransferDocument ReadXml(Stream payload, InnerRandomStream protector, KdbxReadLimits limits,
        SizeBudget budget, IReadOnlyList<byte[]> binaries, out byte[]? headerHash)
    {
        var recorder = new PrefixRecordingStream(payload, PrologBytes);
        KdbxXmlReader? reader = null;
        try
        {
            TransferDocument document;
            using (var xml = XmlReader.Create(recorder, KdbxXmlReader.Settings))
            {
                reader = new KdbxXmlReader(xml, protector, limits, budget, binaries);
                document = reader.Read();
            }

            // Reading to the end checks the remaining blocks' MACs or hashes, the padding and the gzip trailer.
            payload.CopyTo(Stream.Null);
            headerHash = reader.HeaderHash;
            return document;
        }
        catch (XmlException e)
        {
            if (reader is not { ReachedRoot: true } && recorder.Prefix.IndexOf("<!DOCTYPE"u8) >= 0)
            {
                throw KdbxError.UnsafeXml();
            }

            // The XmlException is not kept as inner exception: its message may quote the document's text.
            throw KdbxError.Corrupt($"The database's XML is malformed (line {e.LineNumber}, position {e.LinePosition}).");
        }
    }
}
