using System.Net;
using System.Security.Cryptography;
using System.Text;
using Custos.Core.Common;

namespace Custos.Core.SecureUse.Web;

/// <summary>
/// One live web session on this node: its target and credential, the target's cookies (server-side only), the launch
/// code that hands the session to one browser, and the hash of the cookie secret that browser holds afterwards.
/// </summary>
public sealed class WebSession
{
    private readonly byte[] launchHash;
    private readonly DateTimeOffset launchExpires;
    private byte[]? cookieHash;
    private int launched;
    private int ended;
    private long lastActivityTicks;
    private long requests;
    private long bytesOut;

    internal WebSession(Guid id, string label, TenantId tenant, Guid entryId, UserId user, string actor, WebTarget target, string? reason,
        DateTimeOffset startedAt, WebCredential credential, CookieContainer jar, string launchCode, DateTimeOffset launchExpires, TimeSpan maxLength,
        TimeSpan idle)
    {
        Id = id;
        Label = label;
        Tenant = tenant;
        EntryId = entryId;
        User = user;
        Actor = actor;
        Target = target;
        Reason = reason;
        StartedAt = startedAt;
        Credential = credential;
        Jar = jar;
        launchHash = Hash(launchCode);
        this.launchExpires = launchExpires;
        MaxLength = maxLength;
        Idle = idle;
        lastActivityTicks = startedAt.UtcTicks;
        TargetUri = new Uri(target.Origin + "/");
    }

    public Guid Id { get; }
    /// <summary>The session's host name label under the proxy domain: random, 26 lowercase base32 characters.</summary>
    public string Label { get; }
    public TenantId Tenant { get; }
    public Guid EntryId { get; }
    public UserId User { get; }
    public string Actor { get; }
    public WebTarget Target { get; }
    public string? Reason { get; }
    public DateTimeOffset StartedAt { get; }
    public TimeSpan MaxLength { get; }
    public TimeSpan Idle { get; }
    public Uri TargetUri { get; }
    public long Requests => Interlocked.Read(ref requests);
    public long BytesOut => Interlocked.Read(ref bytesOut);
    public DateTimeOffset LastActivity => new(Interlocked.Read(ref lastActivityTicks), TimeSpan.Zero);
    public bool IsEnded => Volatile.Read(ref ended) != 0;

    internal WebCredential Credential { get; }
    internal CookieContainer Jar { get; }

    /// <summary>The Basic header value for every forwarded request, or null for a form login.</summary>
    public string? BasicToken => Target.Method == WebLoginMethod.Basic ? Credential.BasicToken : null;
    public SecretScrubber Scrubber => Credential.Scrubber;

    /// <summary>The target's cookies for a request to this URL, as a Cookie header value (empty when none).</summary>
    public string CookieHeaderFor(Uri url) => Jar.GetCookieHeader(url);

    /// <summary>Keeps the response's cookies in the jar and strips them from the response; returns how many the jar refused.</summary>
    public int StoreCookies(Uri url, HttpResponseMessage response) => WebCookies.Store(Jar, url, response);

    /// <summary>Trades the launch code, once and within its lifetime, for the cookie secret the browser keeps; null otherwise.</summary>
    internal string? Launch(string? code, DateTimeOffset now)
    {
        if (code is null || now > launchExpires || !CryptographicOperations.FixedTimeEquals(Hash(code), launchHash)) return null;
        if (Interlocked.Exchange(ref launched, 1) != 0) return null;
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        cookieHash = Hash(secret);
        return secret;
    }

    /// <summary>Whether the browser's cookie is the one this session handed out.</summary>
    public bool Admits(string? cookie) =>
        cookie is { Length: > 0 } && Volatile.Read(ref cookieHash) is { } expected && CryptographicOperations.FixedTimeEquals(Hash(cookie), expected);

    /// <summary>Why the session must end now by policy ("timeout", "idle"), or null.</summary>
    public string? Expired(DateTimeOffset now) =>
        now - StartedAt >= MaxLength ? "timeout" : now - LastActivity >= Idle ? "idle" : null;

    internal void Touch(DateTimeOffset now) => Interlocked.Exchange(ref lastActivityTicks, now.UtcTicks);

    internal void Count(long bytes)
    {
        Interlocked.Increment(ref requests);
        Interlocked.Add(ref bytesOut, Math.Max(0, bytes));
    }

    /// <summary>True for the one caller that ends the session.</summary>
    internal bool TryEnd() => Interlocked.Exchange(ref ended, 1) == 0;

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
