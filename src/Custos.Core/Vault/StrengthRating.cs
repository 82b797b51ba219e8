using System.Collections.Concurrent;
using System.Threading.Channels;
using Custos.Core.Data;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

/// <summary>
/// Rates the passwords of entries stored without a strength estimate: imports leave it to this, after their commit.
/// zxcvbn costs 1–4 ms a password, most of a 10,000-entry import if done inline; here it runs in the background on
/// every core while the imported entries are already usable (their strength shows as "not rated yet" for seconds).
/// An entry changed meanwhile keeps the score its change computed: only rows still unrated are written.
/// </summary>
public sealed class StrengthRating(IDbContextFactory<CustosDbContext> dbFactory, SecretSealer sealer)
{
    private const int Batch = 1000;
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks the background worker to rate what is unrated (an import just committed).</summary>
    public void Request() => wake.Writer.TryWrite(true);

    /// <summary>Waits for the next <see cref="Request"/>.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken ct) => wake.Reader.ReadAsync(ct);

    /// <summary>Rates every unrated entry that holds a password; returns how many were rated.</summary>
    public async Task<int> RateUnratedAsync(CancellationToken ct = default)
    {
        var rated = 0;
        var after = Guid.Empty;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            // A fingerprint exists exactly when the entry holds a password; ids ascend, so each row is visited once.
            var rows = await db.VaultEntries.AsNoTracking()
                .Where(e => e.PasswordStrength == null && e.PasswordFingerprint != null && e.Id.CompareTo(after) > 0)
                .OrderBy(e => e.Id).Take(Batch)
                .Select(e => new { e.Id, e.TenantId, e.Version, e.Secrets }).ToListAsync(ct);
            if (rows.Count == 0) return rated;
            after = rows[^1].Id;

            var passwords = new Dictionary<Guid, string>();
            foreach (var row in rows)
            {
                var bundle = await sealer.OpenAsync(row.TenantId, row.Id, VaultEntries.SecretsField, row.Version, row.Secrets, ct);
                if (bundle.Password is { Length: > 0 } password) passwords[row.Id] = password;
            }
            var scores = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            Parallel.ForEach(passwords.Values.Distinct(StringComparer.Ordinal), new ParallelOptions { CancellationToken = ct },
                password => scores[password] = PasswordStrength.Score(password));
            foreach (var group in passwords.GroupBy(p => scores[p.Value], p => p.Key))
            {
                var score = group.Key;
                var ids = group.ToList();
                rated += await db.VaultEntries.Where(e => ids.Contains(e.Id) && e.PasswordStrength == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.PasswordStrength, score), ct);
            }
        }
    }
}
