using System.Collections.Concurrent;

namespace Custos.Core.Sharing;

/// <summary>
/// Slows password guessing on the public pages: a fixed number of attempts per link and per client address within a
/// window. Kept in memory (per edge instance); the lock after <see cref="SharingOptions.LockAfterWrongPasswords"/> wrong
/// passwords is in the database and holds across instances and restarts.
/// </summary>
public sealed class ShareThrottle(SharingOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> windows = new();

    private sealed class Window
    {
        public DateTimeOffset Start;
        public int Count;
    }

    /// <summary>
    /// Takes one attempt for the link and the address before the password is checked (so parallel guesses cannot all
    /// slip in); false when either has used up its window. A correct password gives its attempt back (<see cref="Refund"/>):
    /// fifty recipients, or a team behind one address, are not held up by each other's success.
    /// </summary>
    public bool TryAttempt(Guid link, string? address)
    {
        var now = time.GetUtcNow();
        if (windows.Count > 100_000) Prune(now);
        var perLink = Take($"l:{link}", now);
        var perAddress = Take($"a:{address ?? "?"}", now);
        return perLink <= options.AttemptsPerLink && perAddress <= options.AttemptsPerAddress;
    }

    public void Refund(Guid link, string? address)
    {
        Give($"l:{link}");
        Give($"a:{address ?? "?"}");
    }

    private void Give(string key)
    {
        if (!windows.TryGetValue(key, out var window)) return;
        lock (window)
            if (window.Count > 0) window.Count--;
    }

    private int Take(string key, DateTimeOffset now)
    {
        var window = windows.GetOrAdd(key, _ => new Window { Start = now });
        lock (window)
        {
            if (now - window.Start >= options.AttemptWindow) (window.Start, window.Count) = (now, 0);
            return ++window.Count;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, window) in windows)
            if (now - window.Start >= options.AttemptWindow) windows.TryRemove(key, out _);
    }
}
