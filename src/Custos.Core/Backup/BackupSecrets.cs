using System.Text.Json;
using Custos.Core.Common;
using Custos.Core.Keys;

namespace Custos.Core.Backup;

/// <summary>What a target needs to open its repository: the password and any backend credentials (environment variables).</summary>
public sealed record BackupSecrets(string Password, IReadOnlyDictionary<string, string> Environment)
{
    private static FieldContext Context(Guid target) => new(TenantId.System.Value, target.ToString(), "backup-secrets", 1);

    public async Task<byte[]> SealAsync(Keyring keyring, Guid target, CancellationToken ct)
    {
        var key = await keyring.GetDataKeyAsync(TenantId.System, ct);
        return FieldCipher.Encrypt(key.Key, key.Version, Context(target), JsonSerializer.SerializeToUtf8Bytes(this));
    }

    public static async Task<BackupSecrets> UnsealAsync(Keyring keyring, Guid target, byte[] sealedValue, CancellationToken ct)
    {
        var key = await keyring.GetDataKeyAsync(TenantId.System, FieldCipher.ReadDataKeyVersion(sealedValue), ct);
        return JsonSerializer.Deserialize<BackupSecrets>(FieldCipher.Decrypt(key.Key, Context(target), sealedValue))
            ?? throw new KeyringException("The target's sealed secrets are empty.");
    }

    /// <summary>Never the password in a log or a debugger view.</summary>
    public override string ToString() => $"BackupSecrets(password: ***, environment: {string.Join(", ", Environment.Keys)})";

}
