using System.CommandLine;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands;

public static class TokenCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var user = new Option<string>("--user") { Description = "Owner of the token.", Required = true };
        var name = new Option<string>("--name") { Description = "What the token is for.", DefaultValueFactory = _ => "cli" };
        var scopes = new Option<string[]>("--scope") { Description = "audit:read, admin, vault:read or vault:write (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        var days = new Option<int>("--days") { Description = "Lifetime in days (1-365).", DefaultValueFactory = _ => 30 };
        var id = new Argument<Guid>("id") { Description = "Token id (from token list)." };
        var json = CommonOptions.Json();
        var actor = Actor.CommandLine();

        async Task<UserId?> OwnerAsync(IServiceProvider s, string userName, CancellationToken ct)
        {
            var normalized = UserNames.Normalize(userName);
            await using var db = await s.GetRequiredService<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync(ct);
            return (await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == normalized, ct))?.Id;
        }

        return new AdminCommandBuilder("token", "Personal access tokens for the API: create (shown once), list, revoke.", error)
            .Verb("create", "Create a token; it is printed once and stored only as a hash.", [user, name, scopes, days, json], async (p, s, ct) =>
            {
                if (await OwnerAsync(s, p.GetValue(user)!, ct) is not { } owner) return await CommandRunner.FailAsync(error, UserAdministration.NotFound);
                var r = await s.GetRequiredService<AccessTokens>().CreateAsync(owner, p.GetValue(name)!, p.GetValue(scopes)!, TimeSpan.FromDays(p.GetValue(days)), actor, ct);
                if (!r.Succeeded) return await CommandRunner.FailAsync(error, r.Error!);
                return await UserCommand.Print(output, p.GetValue(json)
                    ? JsonSerializer.Serialize(new { id = r.Value!.Id, token = r.Value.Token, expiresAt = r.Value.ExpiresAt })
                    : $"{r.Value!.Token}\n(id {r.Value.Id}, expires {r.Value.ExpiresAt:u}; it will not be shown again)");
            })
            .Verb("list", "List a user's tokens (never the tokens themselves).", [user, json], async (p, s, ct) =>
            {
                if (await OwnerAsync(s, p.GetValue(user)!, ct) is not { } owner) return await CommandRunner.FailAsync(error, UserAdministration.NotFound);
                var tokens = await s.GetRequiredService<AccessTokens>().ListAsync(owner, ct);
                if (p.GetValue(json)) return await UserCommand.Print(output, JsonSerializer.Serialize(tokens.Select(t => new { t.Id, t.Name, t.Scopes, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt })));
                foreach (var t in tokens) await output.WriteLineAsync($"{t.Id}  {t.Name,-16} {t.Scopes,-20} expires {t.ExpiresAt:u}{(t.RevokedAt is null ? "" : "  revoked")}");
                return CustosCommandLine.Success;
            })
            .Verb("revoke", "Revoke a token at once.", [user, id], async (p, s, ct) =>
            {
                if (await OwnerAsync(s, p.GetValue(user)!, ct) is not { } owner) return await CommandRunner.FailAsync(error, UserAdministration.NotFound);
                var r = await s.GetRequiredService<AccessTokens>().RevokeAsync(owner, p.GetValue(id), actor, ct);
                return r.Succeeded ? await UserCommand.Print(output, r.Value ? "Token revoked." : "Token was already revoked.") : await CommandRunner.FailAsync(error, r.Error!);
            })
            .Build();
    }
}
