using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Custos.Web.Identity;

/// <summary>
/// Per-client-address limit on login attempts (POSTs only), on top of the per-account lockout: slows password spraying
/// across many accounts, which lockout alone does not see.
/// </summary>
public static class LoginRateLimit
{
    public const string Policy = "login";

    public static void Add(IServiceCollection services, int perMinute) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("read"));
            o.AddPolicy(PasswordStrengthEndpoint.RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = PasswordStrengthEndpoint.RequestsPerMinutePerAddress, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return new ValueTask(Results.Problem(statusCode: 429, title: "Too many requests",
                    detail: "Too many attempts from this address; wait a minute.").ExecuteAsync(context.HttpContext));
            };
        });
}
