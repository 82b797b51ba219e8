namespace Custos.Core.Backup.Restic;

/// <summary>
/// Where a repository is: restic's repository string (a local path, "sftp:user@host:/path", "rest:https://…", "s3:…"),
/// extended options passed as "-o key=value" (e.g. sftp.command=…), and backend environment variables (secrets, e.g.
/// AWS_SECRET_ACCESS_KEY) that go into the child's environment only.
/// </summary>
public sealed record ResticLocation(string Repository, IReadOnlyList<string> Options, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The repository string with any user:password@ part removed, for messages and logs.</summary>
    // Computed, not stored: a `with` copy that changes Repository must not keep the old redaction.
    public string Redacted => Redact(Repository);

    /// <summary>Never the raw repository string: a REST URL may carry a password.</summary>
    public override string ToString() => $"ResticLocation {{ Repository = {Redacted}, Options = {Options.Count}, Environment = [{string.Join(", ", Environment.Keys)}] }}";

    /// <summary>Drops "user:password@" from a repository string ("rest:https://u:p@host/", "sftp:u:p@host:/path"); a bare "user@" stays.</summary>
    internal static string Redact(string repository)
    {
        var scheme = repository.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = scheme >= 0 ? scheme + 3 : repository.StartsWith("sftp:", StringComparison.Ordinal) ? 5 : -1;
        if (authorityStart < 0) return repository;
        var slash = repository.IndexOf('/', authorityStart);
        var authorityEnd = slash < 0 ? repository.Length : slash;
        var at = repository.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        if (at < 0) return repository;
        var userInfo = repository[authorityStart..at];
        return userInfo.Contains(':') ? repository[..authorityStart] + repository[(at + 1)..] : repository;
    }
}
