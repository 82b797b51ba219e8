using System.Collections.Concurrent;
using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Keys;

/// <summary>A tenant's unwrapped data key and its version, for <see cref="FieldCipher"/> and the segmented stream format.</summary>
public sealed record DataKey(TenantId Tenant, int Version, byte[] Key);

/// <summary>
/// Envelope encryption: the master key (a file) wraps one AES-256 data key per tenant (database rows). Data keys are
/// unwrapped once and cached; master keys are loaded by id when a row names them, so a rotation done by another
/// process is picked up without a restart.
/// </summary>
public sealed class Keyring(IDbContextFactory<CustosDbContext> dbFactory, MasterKeyFileStore files, AuditLog audit, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, MasterKey> masters = new();
    private readonly ConcurrentDictionary<(TenantId, int), DataKey> dataKeys = new();
    private readonly ConcurrentDictionary<TenantId, int> currentVersions = new();

    public bool IsLoaded { get; private set; }

    /// <summary>
    /// Creates the first master key for a new database; for an existing one proves that the key file belongs to it
    /// before anything is written. Throws <see cref="KeyringException"/> with a message for the operator.
    /// </summary>
    public async Task OpenAsync(Actor actor, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var state = await db.KeyringStates.AsNoTracking().SingleAsync(ct);
            if (state.CurrentMasterKeyId is null)
            {
                await InitializeAsync(db, actor, ct);
            }
            else
            {
                await LoadMasterAsync(db, state.CurrentMasterKeyId, ct);
                await DestroyRetiredKeyFilesAsync(db, ct);
            }
        }
        await GetDataKeyAsync(TenantId.System, ct);
        IsLoaded = true;
    }

    /// <summary>
    /// Read-only check that the key file belongs to an existing database; run before migrations so that a wrong key
    /// refuses the start without anything being written.
    /// </summary>
    public async Task VerifyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var state = await db.KeyringStates.AsNoTracking().SingleAsync(ct);
        if (state.CurrentMasterKeyId is not null) await LoadMasterAsync(db, state.CurrentMasterKeyId, ct);
    }

    /// <summary>The tenant's current data key, created (and audited) on first use.</summary>
    public async Task<DataKey> GetDataKeyAsync(TenantId tenant, CancellationToken ct = default)
    {
        if (currentVersions.TryGetValue(tenant, out var v) && dataKeys.TryGetValue((tenant, v), out var cached)) return cached;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var latest = await db.TenantDataKeys.AsNoTracking().Where(k => k.TenantId == tenant)
            .OrderByDescending(k => k.Version).FirstOrDefaultAsync(ct)
            ?? await CreateDataKeyAsync(db, tenant, ct);
        var key = await UnwrapAsync(latest, ct);
        currentVersions[tenant] = key.Version;
        return key;
    }

    /// <summary>A specific version of a tenant's data key, for ciphertext that names it.</summary>
    public async Task<DataKey> GetDataKeyAsync(TenantId tenant, int version, CancellationToken ct = default)
    {
        if (dataKeys.TryGetValue((tenant, version), out var cached)) return cached;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.TenantDataKeys.AsNoTracking().SingleOrDefaultAsync(k => k.TenantId == tenant && k.Version == version, ct)
            ?? throw new KeyringException($"Data key {version} of tenant {tenant} does not exist.");
        return await UnwrapAsync(row, ct);
    }

    /// <summary>
    /// Creates a new master key file, re-wraps every data key with it in one transaction, then destroys the old key
    /// files. Readers keep working throughout: cached data keys stay valid, and rows always name a key file that exists.
    /// </summary>
    public async Task<MasterKeyRotation> RotateMasterKeyAsync(Actor actor, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        using var fresh = MasterKey.Generate();
        files.Save(fresh);
        string? previous;
        int count;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await LockStateAsync(db, ct);
            var state = await db.KeyringStates.SingleAsync(ct);
            previous = state.CurrentMasterKeyId ?? throw new KeyringException("The keyring has no master key yet; start the server once first.");
            var now = time.StoredNow();
            db.MasterKeys.Add(new MasterKeyRecord { Id = fresh.Id, CheckValue = fresh.CheckValue(), CreatedAt = now });
            foreach (var retired in await db.MasterKeys.Where(k => k.RetiredAt == null).ToListAsync(ct)) retired.RetiredAt = now;

            var rows = await db.TenantDataKeys.ToListAsync(ct);
            count = 0;
            foreach (var row in rows)
            {
                var master = await LoadMasterAsync(db, row.MasterKeyId, ct);
                var plain = master.Unwrap(row.WrappedKey, WrapContext(row.TenantId, row.Version));
                row.WrappedKey = fresh.Wrap(plain, WrapContext(row.TenantId, row.Version));
                row.MasterKeyId = fresh.Id;
                CryptographicOperations.ZeroMemory(plain);
                progress?.Report(++count);
            }
            state.CurrentMasterKeyId = fresh.Id;
            state.Generation++;
            await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "keys.master.rotate", ClientAddress: actor.ClientAddress,
                Target: fresh.Id, Details: new Dictionary<string, string?> { ["previous"] = previous, ["dataKeys"] = count.ToString() }), ct);
        }
        catch
        {
            files.Destroy(fresh.Id);
            throw;
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            await DestroyRetiredKeyFilesAsync(db, ct);
        return new MasterKeyRotation(previous, fresh.Id, count);
    }

    private async Task InitializeAsync(CustosDbContext db, Actor actor, CancellationToken ct)
    {
        if (await db.TenantDataKeys.AnyAsync(ct))
            throw new KeyringException("The database holds data keys but names no master key; it is inconsistent. Restore it from a backup.");
        var key = MasterKey.Generate();
        files.Save(key);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await LockStateAsync(db, ct);
            var state = await db.KeyringStates.SingleAsync(ct);
            if (state.CurrentMasterKeyId is not null)
            {
                // Another node initialised the keyring first; use its key.
                files.Destroy(key.Id);
                key.Dispose();
                await LoadMasterAsync(db, state.CurrentMasterKeyId, ct);
                return;
            }
            db.MasterKeys.Add(new MasterKeyRecord { Id = key.Id, CheckValue = key.CheckValue(), CreatedAt = time.StoredNow() });
            state.CurrentMasterKeyId = key.Id;
            state.Generation++;
            await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "keys.master.create", ClientAddress: actor.ClientAddress, Target: key.Id), ct);
            masters[key.Id] = key;
        }
        catch
        {
            files.Destroy(key.Id);
            throw;
        }
    }

    private async Task<TenantDataKey> CreateDataKeyAsync(CustosDbContext db, TenantId tenant, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockStateAsync(db, ct);
        var existing = await db.TenantDataKeys.AsNoTracking().Where(k => k.TenantId == tenant)
            .OrderByDescending(k => k.Version).FirstOrDefaultAsync(ct);
        if (existing is not null) return existing;
        var state = await db.KeyringStates.AsNoTracking().SingleAsync(ct);
        var master = await LoadMasterAsync(db, state.CurrentMasterKeyId!, ct);
        var plain = RandomNumberGenerator.GetBytes(32);
        var row = new TenantDataKey
        {
            TenantId = tenant,
            Version = 1,
            MasterKeyId = master.Id,
            WrappedKey = master.Wrap(plain, WrapContext(tenant, 1)),
            CreatedAt = time.StoredNow(),
        };
        CryptographicOperations.ZeroMemory(plain);
        db.TenantDataKeys.Add(row);
        await audit.CommitAsync(db, tx, new AuditEntry("system", "keys.data-key.create", Tenant: tenant, Target: $"{tenant}/1", ClientAddress: "local"), ct);
        return row;
    }

    private async Task<DataKey> UnwrapAsync(TenantDataKey row, CancellationToken ct)
    {
        if (dataKeys.TryGetValue((row.TenantId, row.Version), out var cached)) return cached;
        MasterKey master;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            master = await LoadMasterAsync(db, row.MasterKeyId, ct);
        }
        catch (KeyringException)
        {
            // A rotation committed between reading the row and loading its key: read the row again.
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            row = await db.TenantDataKeys.AsNoTracking().SingleAsync(k => k.TenantId == row.TenantId && k.Version == row.Version, ct);
            master = await LoadMasterAsync(db, row.MasterKeyId, ct);
        }
        var key = new DataKey(row.TenantId, row.Version, master.Unwrap(row.WrappedKey, WrapContext(row.TenantId, row.Version)));
        return dataKeys.GetOrAdd((row.TenantId, row.Version), key);
    }

    private async Task<MasterKey> LoadMasterAsync(CustosDbContext db, string id, CancellationToken ct)
    {
        if (masters.TryGetValue(id, out var loaded)) return loaded;
        var record = await db.MasterKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, ct)
            ?? throw new KeyringException($"The database names master key '{id}', which it does not record; it is inconsistent.");
        var key = files.Load(id);
        if (!CryptographicOperations.FixedTimeEquals(key.CheckValue(), record.CheckValue))
        {
            key.Dispose();
            throw new KeyringException($"The master key file '{files.PathOf(id)}' does not belong to this database (wrong key). Nothing was changed.");
        }
        return masters.GetOrAdd(id, key);
    }

    private async Task DestroyRetiredKeyFilesAsync(CustosDbContext db, CancellationToken ct)
    {
        var retired = await db.MasterKeys.AsNoTracking().Where(k => k.RetiredAt != null).Select(k => k.Id).ToListAsync(ct);
        var stillUsed = await db.TenantDataKeys.AsNoTracking().Select(k => k.MasterKeyId).Distinct().ToListAsync(ct);
        foreach (var id in retired.Except(stillUsed))
        {
            files.Destroy(id);
            // Not zeroed here: a reader on another thread may still be unwrapping with it; the file is what must go.
            masters.TryRemove(id, out _);
        }
    }

    private static Task LockStateAsync(CustosDbContext db, CancellationToken ct) =>
        db.KeyringStates.Where(s => s.Id == KeyringState.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.Generation, k => k.Generation), ct);

    private static string WrapContext(TenantId tenant, int version) => $"{tenant}|{version}";
}

public sealed record MasterKeyRotation(string PreviousKeyId, string NewKeyId, int DataKeys);
