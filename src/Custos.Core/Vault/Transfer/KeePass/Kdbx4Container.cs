using System.IO.Compression;
using System.Security.Cryptography;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Writes the KDBX 4.0 container around a payload: header, its SHA-256 and HMAC, then the HMAC block stream
/// of the encrypted, optionally gzipped inner header and XML.</summary>
internal static class Kdbx4Container
{
    /// <param name="writeXml">Writes the XML, protecting values with the given inner random stream.</param>
    public static void Write(Stream output, KdbxCredentials credentials, KdbxWriteOptions options,
        IReadOnlyList<byte[]> binaries, Action<Stream, InnerRandomStream> writeXml)
    {
        var kdf = KdfParameters.ForWriting(options);
        var masterSeed = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(OuterCipher.IvLength(options.Cipher));
        var innerKey = RandomNumberGenerator.GetBytes(64);
        var header = KdbxHeader.Write4(options.Cipher, options.Compress, masterSeed, iv, kdf);
        var composite = credentials.ComputeCompositeKey();
        byte[] transformed = [], encryptionKey = [], hmacKey = [];
        try
        {
            transformed = kdf.Derive(composite);
            encryptionKey = KdbxKeys.EncryptionKey(masterSeed, transformed);
            hmacKey = KdbxKeys.HmacKey(masterSeed, transformed);
            output.Write(header);
            output.Write(SHA256.HashData(header));
            output.Write(KdbxKeys.HeaderHmac(hmacKey, header));
            var payload = OuterCipher.Encrypt(options.Cipher, encryptionKey, iv, new HmacBlockWriteStream(output, hmacKey));
            if (options.Compress)
            {
                payload = new GZipStream(payload, CompressionLevel.Optimal, leaveOpen: false);
            }

            using (payload)
            {
                InnerHeader.Write(payload, innerKey, binaries);
                writeXml(payload, InnerRandomStream.Create(InnerStreamAlgorithm.ChaCha20, innerKey));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(composite);
            CryptographicOperations.ZeroMemory(transformed);
            CryptographicOperations.ZeroMemory(encryptionKey);
            CryptographicOperations.ZeroMemory(hmacKey);
            CryptographicOperations.ZeroMemory(innerKey);
        }
    }
}
