using System.Security.Cryptography;
using Custos.Core.Common;
using Custos.Core.Keys;

namespace Custos.Core.Identity.SecondFactor;

/// <summary>
/// Seals TOTP seeds with the system tenant's data key. The ciphertext is bound to the user's row, so a seed copied
/// into another user's row in the database does not open there.
/// </summary>
public sealed class TotpSeedCipher(Keyring keyring)
{
    private const string Field = "totp-secret";

    public async Task<byte[]> SealAsync(UserId user, ReadOnlyMemory<byte> seed, CancellationToken ct = default)
    {
        var key = await keyring.GetDataKeyAsync(TenantId.System, ct);
        return FieldCipher.Encrypt(key.Key, key.Version, Context(user), seed.Span);
    }

    /// <summary>The plain seed; the caller zeroes it after use.</summary>
    public async Task<byte[]> OpenAsync(UserId user, byte[] sealedSeed, CancellationToken ct = default)
    {
        var key = await keyring.GetDataKeyAsync(TenantId.System, FieldCipher.ReadDataKeyVersion(sealedSeed), ct);
        return FieldCipher.Decrypt(key.Key, Context(user), sealedSeed);
    }

    /// <summary>160 bits, the HMAC-SHA-1 block the RFC recommends and the length authenticator apps expect.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(20);

    private static FieldContext Context(UserId user) => new(TenantId.System.Value, user.ToString(), Field, 1);
}
