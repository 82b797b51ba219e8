namespace Custos.Web.Sluice;

/// <summary>
/// How an endpoint or page handler that receives files lets them in (endpoint metadata or a handler attribute). A test
/// walks every route: each one that takes a body other than JSON must say which of these it is.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FileIntake(string how) : Attribute
{
    /// <summary>Into the sluice's quarantine; released (or not) by its verdict.</summary>
    public const string Quarantine = "quarantine";

    /// <summary>Checked by the sluice before it is used; only a file that passes goes on (vault attachments, files for a server).</summary>
    public const string Screened = "screened";

    /// <summary>Read as data and never kept or handed on as a file (an import that becomes vault entries); reason in the route's comment.</summary>
    public const string Parsed = "parsed";

    public string How { get; } = how;
}

public static class FileIntakeExtensions
{
    public static RouteHandlerBuilder TakesFiles(this RouteHandlerBuilder route, string how) => route.WithMetadata(new FileIntake(how));
}
