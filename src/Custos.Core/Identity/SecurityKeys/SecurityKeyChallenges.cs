using Custos.Core.Common;
using Microsoft.Extensions.Caching.Memory;

namespace Custos.Core.Identity.SecurityKeys;

public enum SecurityKeyCeremony
{
    Register,
    Login,
    StepUp,
}

/// <summary>
/// The options of a begun WebAuthn ceremony, kept on the server until the browser answers, so the challenge it must sign
/// cannot be chosen by the client. One per session and ceremony; taking it removes it, so each challenge verifies once.
/// </summary>
/// <remarks>
/// In memory, so the answer must reach the node that issued the challenge: with several nodes, route by session
/// (sticky sessions) or move this to a shared store. A lost challenge only means the user presses the button again.
/// </remarks>
public sealed class SecurityKeyChallenges(TimeProvider time) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    // Bounded, so that a flood of begun ceremonies cannot grow memory without limit; each entry counts as one.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    private sealed record Pending(string OptionsJson, DateTimeOffset ExpiresAt);

    public void Put(Guid sessionId, SecurityKeyCeremony ceremony, string optionsJson)
    {
        using var entry = _cache.CreateEntry(Key(sessionId, ceremony));
        entry.Value = new Pending(optionsJson, time.GetUtcNow() + Lifetime);
        entry.Size = 1;
        // The cache's own clock only frees memory; the expiry that counts is checked against the injected time below.
        entry.AbsoluteExpirationRelativeToNow = Lifetime;
    }

    public string? Take(Guid sessionId, SecurityKeyCeremony ceremony)
    {
        var key = Key(sessionId, ceremony);
        if (!_cache.TryGetValue(key, out Pending? pending) || pending is null) return null;
        _cache.Remove(key);
        return pending.ExpiresAt > time.GetUtcNow() ? pending.OptionsJson : null;
    }

    private static string Key(Guid sessionId, SecurityKeyCeremony ceremony) => $"{sessionId:N}:{ceremony}";

    public void Dispose() => _cache.Dispose();
}
