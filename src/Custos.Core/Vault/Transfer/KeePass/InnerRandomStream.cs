using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>The key stream that hides protected values inside the XML: each protected value is XORed with the next
/// bytes of one stream, in document order.</summary>
internal sealed class InnerRandomStream
{
    private readonly IStreamCipher? _cipher;

    private InnerRandomStream(IStreamCipher? cipher) => _cipher = cipher;

    public static InnerRandomStream Create(InnerStreamAlgorithm algorithm, byte[] key)
    {
        switch (algorithm)
        {
            case InnerStreamAlgorithm.None:
                return new InnerRandomStream(null);
            case InnerStreamAlgorithm.ChaCha20:
            {
                // KeePass: SHA-512 of the key gives the ChaCha20 key (32 bytes) and nonce (next 12).
                var hash = SHA512.HashData(key);
                var cipher = new ChaCha7539Engine();
                cipher.Init(true, new ParametersWithIV(new KeyParameter(hash, 0, 32), hash, 32, 12));
                CryptographicOperations.ZeroMemory(hash);
                return new InnerRandomStream(cipher);
            }

            case InnerStreamAlgorithm.Salsa20:
            {
                var hash = SHA256.HashData(key);
                var cipher = new Salsa20Engine();
                cipher.Init(true, new ParametersWithIV(new KeyParameter(hash), KdbxFormat.Salsa20Nonce));
                CryptographicOperations.ZeroMemory(hash);
                return new InnerRandomStream(cipher);
            }

            default:
                throw KdbxError.Unsupported("The database protects its values with a cipher this reader does not know.");
        }
    }

    /// <summary>XORs the data in place with the next key-stream bytes (the operation is its own inverse).</summary>
    public void Apply(Span<byte> data) => _cipher?.ProcessBytes(data, data);
}
