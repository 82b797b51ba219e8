using Custos.Core.Identity;
using Microsoft.Extensions.Localization;

namespace Custos.Web.Identity;

/// <summary>
/// The strength meter of the password forms asks here while the user types: zxcvbn's score and the first rule the
/// candidate breaks, in the user's language. Public, because the first administrator's setup form has no session yet;
/// it stores nothing and logs nothing, and a per-address limit keeps it from being a free CPU for others.
/// </summary>
public static class PasswordStrengthEndpoint
{
    public const string Route = "/api/v1/password-strength";
    public const string RateLimitPolicy = "password-strength";
    public const int RequestsPerMinutePerAddress = 120;

    public static void MapPasswordStrengthEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost(Route, (Candidate body, IdentityOptions options, IStringLocalizer<Texts> texts) =>
            {
                var password = body.Password ?? "";
                var (score, failure) = options.PasswordPolicy.Evaluate(password, body.UserName, body.DisplayName);
                return Results.Ok(new Verdict(score, failure is null, failure is null ? null : texts[failure.Code].Value));
            })
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicy)
            .WithTags("Identity")
            .WithName("PasswordStrength");

    public sealed record Candidate(string? Password, string? UserName, string? DisplayName);

    /// <param name="Score">zxcvbn's estimate, 0 (guessed at once) to 4 (very unlikely to be guessed).</param>
    /// <param name="Acceptable">Whether the policy would take it (the last-five check is left to saving).</param>
    public sealed record Verdict(int Score, bool Acceptable, string? Problem);
}
