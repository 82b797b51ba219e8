using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>The payload cipher: AES-256-CBC with PKCS#7 padding (.NET) or ChaCha20 with a 12-byte nonce.</summary>
internal static class OuterCipher
{
    public static byte[] Id(KdbxCipher cipher) =>
        cipher == KdbxCipher.ChaCha20 ? KdbxFormat.CipherChaCha20 : KdbxFormat.CipherAes256;

    public static int IvLength(KdbxCipher cipher) => cipher == KdbxCipher.ChaCha20 ? 12 : 16;

    /// <summary>Which cipher an id names; Twofish and unknown ids are refused.</summary>
    public static KdbxCipher Identify(byte[] cipherId)
    {
        if (cipherId.AsSpan().SequenceEqual(KdbxFormat.CipherAes256))
        {
            return KdbxCipher.Aes256;
        }

        if (cipherId.AsSpan().SequenceEqual(KdbxFormat.CipherChaCha20))
        {
            return KdbxCipher.ChaCha20;
        }

        throw KdbxError.Unsupported(cipherId.AsSpan().SequenceEqual(KdbxFormat.CipherTwofish)
            ? "The database is encrypted with Twofish, which is not supported; re-save it with AES or ChaCha20."
            : "The database is encrypted with a cipher this reader does not know.");
    }

    public static Stream Decrypt(KdbxCipher cipher, byte[] key, byte[] iv, Stream input, bool leaveOpen)
    {
        if (iv.Length != IvLength(cipher))
        {
            throw KdbxError.Corrupt("The encryption IV has the wrong length for the cipher.");
        }

        if (cipher == KdbxCipher.ChaCha20)
        {
            var engine = new ChaCha7539Engine();
            engine.Init(false, new ParametersWithIV(new KeyParameter(key), iv));
            return new StreamCipherStream(input, engine, writing: false, leaveOpen);
        }

        using var aes = Aes.Create();
        return new CryptoStream(input, aes.CreateDecryptor(key, iv), CryptoStreamMode.Read, leaveOpen);
    }

    /// <summary>Encrypts into <paramref name="output"/> and disposes it when the returned stream is disposed.</summary>
    public static Stream Encrypt(KdbxCipher cipher, byte[] key, byte[] iv, Stream output)
    {
        if (cipher == KdbxCipher.ChaCha20)
        {
            var engine = new ChaCha7539Engine();
            engine.Init(true, new ParametersWithIV(new KeyParameter(key), iv));
            return new StreamCipherStream(output, engine, writing: true, leaveOpen: false);
        }

        using var aes = Aes.Create();
        return new CryptoStream(output, aes.CreateEncryptor(key, iv), CryptoStreamMode.Write, leaveOpen: false);
    }
}
