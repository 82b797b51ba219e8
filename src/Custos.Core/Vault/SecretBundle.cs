using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Core.Common;
using Custos.Core.Keys;

namespace Custos.Core.Vault;

/// <summary>Everything secret about an entry: only Read holders ever receive a part of it, one field per reveal.</summary>
public sealed record SecretBundle
{
    public string? Password { get; init; }
    public string? Notes { get; init; }
    /// <summary>otpauth:// URI or bare base32 seed.</summary>
    public string? Totp { get; init; }
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

    public const string PasswordField = "password";
    public const string NotesField = "notes";
    public const string TotpField = "totp";
    public const string CustomFieldPrefix = "field:";

    /// <summary>The field a reveal names: password, notes, totp, or field:NAME.</summary>
    public string? Get(string field) => field switch
    {
        PasswordField => Password,
        NotesField => Notes,
        TotpField => Totp,
        _ when field.StartsWith(CustomFieldPrefix, StringComparison.Ordinal) => Fields.GetValueOrDefault(field[CustomFieldPrefix.Length..]),
        _ => null,
    };

    /// <summary>Names of the fields that hold something, for lists ("has TOTP") without decrypting.</summary>
    public string Names() => string.Join(",", new[]
        {
            Password is { Length: > 0 } ? PasswordField : null,
            Notes is { Length: > 0 } ? NotesField : null,
            Totp is { Length: > 0 } ? TotpField : null,
        }.OfType<string>().Concat(Fields.Keys.Order(StringComparer.Ordinal).Select(k => CustomFieldPrefix + k)));
}

/// <summary>Seals and opens secret bundles with the tenant's data key, bound to the row, its field and version.</summary>
public sealed class SecretSealer(Keyring keyring)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public async Task<byte[]> SealAsync(TenantId tenant, Guid rowId, string field, int version, SecretBundle bundle, CancellationToken ct = default)
    {
        var key = await keyring.GetDataKeyAsync(tenant, ct);
        var plain = JsonSerializer.SerializeToUtf8Bytes(bundle, Json);
        try
        {
            return FieldCipher.Encrypt(key.Key, key.Version, new FieldContext(tenant.Value, rowId.ToString(), field, version), plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public async Task<SecretBundle> OpenAsync(TenantId tenant, Guid rowId, string field, int version, byte[] sealedBundle, CancellationToken ct = default)
    {
        var plain = await OpenBytesAsync(tenant, rowId, field, version, sealedBundle, ct);
        try
        {
            return JsonSerializer.Deserialize<SecretBundle>(plain, Json) ?? new SecretBundle();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public async Task<byte[]> SealBytesAsync(TenantId tenant, Guid rowId, string field, int version, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        var key = await keyring.GetDataKeyAsync(tenant, ct);
        return FieldCipher.Encrypt(key.Key, key.Version, new FieldContext(tenant.Value, rowId.ToString(), field, version), content.Span);
    }

    /// <summary>Fails (CryptographicException) when the ciphertext was moved to another row, field, version or tenant.</summary>
    public async Task<byte[]> OpenBytesAsync(TenantId tenant, Guid rowId, string field, int version, byte[] sealedContent, CancellationToken ct = default)
    {
        var key = await keyring.GetDataKeyAsync(tenant, FieldCipher.ReadDataKeyVersion(sealedContent), ct);
        return FieldCipher.Decrypt(key.Key, new FieldContext(tenant.Value, rowId.ToString(), field, version), sealedContent);
    }
}
