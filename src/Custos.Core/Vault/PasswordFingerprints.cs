using System.Security.Cryptography;
using System.Text;
using Custos.Core.Common;
using Custos.Core.Keys;

namespace Custos.Core.Vault;

/// <summary>
/// Finds reused passwords without comparing plaintexts (TOM 6.10): each password is stored with an HMAC-SHA-256 under
/// a key derived from the system data key. Equal passwords give equal fingerprints across all tenants; without the
/// master key the fingerprints say nothing, and they are never shown.
/// </summary>
public sealed class PasswordFingerprints(Keyring keyring)
{
    private static readonly byte[] Info = Encoding.UTF8.GetBytes("custos/vault/password-fingerprint/v1");
    private byte[]? key;

    public async Task<byte[]?> OfAsync(string? password, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(password)) return null;
        key ??= await DeriveAsync(ct);
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return HMACSHA256.HashData(key, bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private async Task<byte[]> DeriveAsync(CancellationToken ct)
    {
        // Version 1 of the system key on purpose: fingerprints must stay comparable when later data keys appear.
        var current = await keyring.GetDataKeyAsync(TenantId.System, ct);
        var first = current.Version == 1 ? current : await keyring.GetDataKeyAsync(TenantId.System, 1, ct);
        return HKDF.Expand(HashAlgorithmName.SHA256, first.Key, 32, Info);
    }
}
