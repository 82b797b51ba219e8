using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>What opens a KDBX file: a master password, a key file, or both.</summary>
/// <remarks>A null password means the file has no password component; an empty string is a component of its own
/// (KeePass 2 allows it, KeePassXC never writes it). The key file is the file's bytes in any form KeePass accepts:
/// an XML key file (version 1.0 or 2.0), 32 raw bytes, 64 hex digits, or any other file, which is hashed.</remarks>
public sealed class KdbxCredentials
{
    private readonly byte[]? _keyFile;

    public KdbxCredentials(string? password, byte[]? keyFile = null)
    {
        if (password is null && keyFile is null)
        {
            throw new ArgumentException("A KeePass database needs a password, a key file or both.");
        }

        Password = password;
        _keyFile = keyFile?.ToArray();
    }

    public string? Password { get; }

    /// <summary>KeePass' composite key: SHA-256 over the SHA-256 of the UTF-8 password followed by the key file's
    /// 32-byte key. The caller zeroes the result.</summary>
    internal byte[] ComputeCompositeKey()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (Password is not null)
        {
            var passwordBytes = Encoding.UTF8.GetBytes(Password);
            var passwordHash = SHA256.HashData(passwordBytes);
            hash.AppendData(passwordHash);
            CryptographicOperations.ZeroMemory(passwordBytes);
            CryptographicOperations.ZeroMemory(passwordHash);
        }

        if (_keyFile is not null)
        {
            var fileKey = KdbxKeyFile.ToKey(_keyFile);
            hash.AppendData(fileKey);
            CryptographicOperations.ZeroMemory(fileKey);
        }

        return hash.GetHashAndReset();
    }
}
