using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.Data;

/// <summary>
/// One counter that database triggers raise whenever anything that decides who may do what changes: users, their
/// roles, second factors and tokens; tenant grants and group memberships; vault grants, the folder tree and policies,
/// an entry's folder, inheritance, expiry, version or secrets (what a reveal reads). Nodes cache what they derive from those tables (<see cref="StampedCache{TKey,TValue}"/>)
/// under the counter's value and drop the cache when it moves. Triggers raise it, so no code path (nor a change made by
/// hand in the database) can forget to, and a revocation counts on every node from its next request.
/// </summary>
public sealed class RightsStamp
{
    public const int SingletonId = 1;

    public int Id { get; set; }
    public long Value { get; set; }
}

internal sealed class RightsStampConfiguration : IEntityTypeConfiguration<RightsStamp>
{
    public void Configure(EntityTypeBuilder<RightsStamp> b)
    {
        b.ToTable("rights_stamps");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasData(new RightsStamp { Id = RightsStamp.SingletonId, Value = 0 });
    }
}

/// <summary>
/// The triggers that raise <see cref="RightsStamp"/>, as SQL for each database; the statements are idempotent. The list
/// is part of the migration RightsStamp: a change to it needs a new migration that drops and recreates them. A SQLite
/// migration that rebuilds a watched table loses its triggers; start-up finds that (<see cref="Missing"/>) and creates
/// them again before any cache exists, and refuses to start if that fails (a stale cache would keep revoked rights alive).
/// </summary>
public static class RightsStampTriggers
{
    /// <summary>
    /// Each watched table, whether inserts count, and which updated columns count (null: any column; empty: none).
    /// Columns written on every use (a token's last use, a key's signature counter, failed logins) are left out so
    /// daily work does not empty the caches.
    /// </summary>
    private static readonly (string Table, bool Insert, string[]? UpdateColumns)[] Watched =
    [
        ("users", false, ["user_name", "display_name", "is_enabled", "totp_confirmed_at"]),
        ("user_roles", true, null),
        ("security_keys", true, []),
        ("access_tokens", false, ["user_id", "token_hash", "scopes", "expires_at", "revoked_at"]),
        ("tenants", false, ["is_sensitive"]),
        ("tenant_grants", true, null),
        ("group_members", true, null),
        ("vault_grants", true, null),
        ("vault_folders", true, ["tenant_id", "parent_id", "inherit_rights", "is_sensitive", "policy"]),
        ("vault_entries", false, ["tenant_id", "folder_id", "inherit_rights", "expires_at", "version", "secrets", "rotate_after_reveal", "rotation_reason"]),
    ];

    private const string Bump = "UPDATE rights_stamps SET value = value + 1 WHERE id = 1;";

    private static IEnumerable<string> Events((string Table, bool Insert, string[]? UpdateColumns) w)
    {
        if (w.Insert) yield return "insert";
        if (w.UpdateColumns is not []) yield return "update";
        yield return "delete";
    }

    /// <summary>Watched tables without their triggers, given the table of each trigger found (empty when all is well).</summary>
    public static IReadOnlyList<string> Missing(IReadOnlyCollection<string> tableOfEachTrigger, bool sqlite) =>
        Watched.Where(w => tableOfEachTrigger.Count(t => t == w.Table) < (sqlite ? Events(w).Count() : 1)).Select(w => w.Table).ToList();

    public static IEnumerable<string> SqliteUp() =>
        from w in Watched
        from e in Events(w)
        let of = e == "update" && w.UpdateColumns is not null ? " OF " + string.Join(", ", w.UpdateColumns) : ""
        select $"CREATE TRIGGER IF NOT EXISTS rights_stamp_{w.Table}_{e} AFTER {e.ToUpperInvariant()}{of} ON {w.Table} BEGIN {Bump} END;";

    /// <summary>For a migration that changes <see cref="Watched"/>: every trigger dropped and created as the list says now.</summary>
    public static IEnumerable<string> SqliteRecreate() => SqliteDown().Concat(SqliteUp());

    public static IEnumerable<string> SqliteDown() =>
        from w in Watched from e in Events(w) select $"DROP TRIGGER IF EXISTS rights_stamp_{w.Table}_{e};";

    /// <summary>Statement-level on PostgreSQL: a bulk change raises the counter once, not once per row.</summary>
    public static IEnumerable<string> PostgresUp() =>
        Watched.Select(w =>
        {
            var events = string.Join(" OR ", Events(w).Select(e =>
                e == "update" && w.UpdateColumns is not null ? "UPDATE OF " + string.Join(", ", w.UpdateColumns) : e.ToUpperInvariant()));
            return $"DROP TRIGGER IF EXISTS rights_stamp ON {w.Table}; " +
                   $"CREATE TRIGGER rights_stamp AFTER {events} ON {w.Table} FOR EACH STATEMENT EXECUTE FUNCTION bump_rights_stamp();";
        }).Prepend($"CREATE OR REPLACE FUNCTION bump_rights_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {Bump} RETURN NULL; END $$;");

    public static IEnumerable<string> PostgresDown() =>
        Watched.Select(w => $"DROP TRIGGER IF EXISTS rights_stamp ON {w.Table};").Append("DROP FUNCTION IF EXISTS bump_rights_stamp();");
}
