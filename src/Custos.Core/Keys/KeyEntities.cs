using Custos.Core.Common;

namespace Custos.Core.Keys;

/// <summary>A master key known to the database: its id names the key file, the check value detects a wrong file.</summary>
public sealed class MasterKeyRecord
{
    public required string Id { get; set; }
    public required byte[] CheckValue { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
}

/// <summary>Which master key wraps new data keys. Writers lock this row so rotation and key creation never interleave.</summary>
public sealed class KeyringState
{
    public const int SingletonId = 1;
    public int Id { get; set; }
    public string? CurrentMasterKeyId { get; set; }
    public long Generation { get; set; }
}

/// <summary>A tenant's AES-256 data key, wrapped (AES-256-GCM) by a master key.</summary>
public sealed class TenantDataKey
{
    public TenantId TenantId { get; set; }
    public int Version { get; set; }
    public required string MasterKeyId { get; set; }
    public required byte[] WrappedKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
