namespace Custos.Core.Keys;

/// <summary>
/// Identifies the exact slot an encrypted field belongs to. A ciphertext is bound to all of these
/// values, so it cannot be copied to another tenant, row, column or row version without failing to decrypt.
/// </summary>
/// <param name="TenantId">Tenant owning the row.</param>
/// <param name="RowId">Primary key of the row, in its canonical string form.</param>
/// <param name="Field">Name of the encrypted field.</param>
/// <param name="RowVersion">Version of the row the value was written for.</param>
public readonly record struct FieldContext(Guid TenantId, string RowId, string Field, int RowVersion);
