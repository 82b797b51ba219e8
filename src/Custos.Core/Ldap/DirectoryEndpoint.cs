namespace Custos.Core.Ldap;

/// <summary>The transport security modes the directory connection knows.</summary>
public static class DirectorySecurity
{
    /// <summary>TLS from the first byte (usually port 636).</summary>
    public const string Ldaps = "ldaps";
    /// <summary>Plain connection upgraded with the StartTLS extended operation before any password is sent (usually port 389).</summary>
    public const string StartTls = "starttls";
    /// <summary>No TLS: refused unless explicitly allowed.</summary>
    public const string None = "none";

    public static readonly IReadOnlyList<string> All = [Ldaps, StartTls, None];
}

/// <summary>Where and how to reach the directory; everything a connection needs except credentials.</summary>
public sealed record DirectoryEndpoint(string Host, int Port, string Security, bool AllowInsecure, string? TrustedCertificatesDirectory)
{
    /// <summary>Bounds connect, TLS handshake, bind and every search page, so an unanswering directory cannot hang a login.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public static DirectoryEndpoint From(DirectorySettings settings) =>
        new(settings.Host, settings.Port, settings.Security, settings.AllowInsecure, settings.TrustedCertificatesDirectory);

    /// <summary>For messages: the URL an operator would type into ldapsearch.</summary>
    public string Display => $"{(Security == DirectorySecurity.Ldaps ? "ldaps" : "ldap")}://{Host}:{Port}" +
                             (Security == DirectorySecurity.StartTls ? " (StartTLS)" : "");
}
