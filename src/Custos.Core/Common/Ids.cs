namespace Custos.Core.Common;

/// <summary>A customer (tenant): the security boundary every tenant-owned row carries.</summary>
public readonly record struct TenantId(Guid Value)
{
    /// <summary>The tenant that owns Custos' own records (audit of administration, system keys).</summary>
    public static readonly TenantId System = new(new Guid("00000000-0000-0000-0000-000000000001"));

    public static TenantId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct UserId(Guid Value)
{
    public static UserId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct GroupId(Guid Value)
{
    public static GroupId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct ProjectId(Guid Value)
{
    public static ProjectId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}
