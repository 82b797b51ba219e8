using System.CommandLine;
using Custos.Commands.Vault;

namespace Custos.Commands.Documents;

/// <summary>
/// Which server, token, certificates and tenant: options of `doc` that every verb takes (before or after the verb), the
/// same as `vault` takes and with the same environment variables, so one setting serves both. Its own class rather than
/// <see cref="VaultConnection"/> because that one opens the vault's client (whole bodies, a fixed timeout), while
/// documents stream for as long as a large file takes. The token is never an argument: it would land in the shell
/// history and in the process list.
/// </summary>
internal sealed class DocumentConnection
{
    public Option<string?> Server { get; } = new("--server")
    {
        Description = $"Address of the Custos server (default {VaultConnection.DefaultServer}, or CUSTOS_SERVER).", Recursive = true,
    };

    public Option<FileInfo?> TokenFile { get; } = new("--token-file")
    {
        Description = "File holding a personal access token (default: the CUSTOS_TOKEN environment variable).", Recursive = true,
    };

    public Option<FileInfo?> CaCert { get; } = new("--ca-cert")
    {
        Description = "Also trust this CA or server certificate (PEM), e.g. a private CA or Custos' self-signed certificate.", Recursive = true,
    };

    /// <summary>Also the directory `doc scrub` checks: both mean the data directory of a server on this machine.</summary>
    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Data directory of a server on this machine (default ./data, or CUSTOS_DATA): the one `scrub` checks; for localhost " +
            "its self-signed certificate is trusted when no --ca-cert is given.",
        Recursive = true,
    };

    public Option<string?> Tenant { get; } = new("--tenant")
    {
        Description = "Tenant name or id (or CUSTOS_TENANT); may be left out when the token reaches only one.", Recursive = true,
    };

    public void AddTo(Command doc)
    {
        foreach (var option in new Option[] { Server, TokenFile, CaCert, Data, Tenant }) doc.Options.Add(option);
    }

    /// <summary>A client for the server the options name; fails before any request when something is missing.</summary>
    public DocumentClient Open(ParseResult parse)
    {
        var text = parse.GetValue(Server) ?? Environment.GetEnvironmentVariable("CUSTOS_SERVER") ?? VaultConnection.DefaultServer;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
            throw new VaultUsageException($"'{text}' is not a server address like {VaultConnection.DefaultServer}.");
        if (server.Scheme == "http")
            throw new VaultUsageException("The server address must start with https://: the token and the documents must not travel unencrypted.");
        var trust = ServerTrust.Create(server, parse.GetValue(CaCert), parse.GetValue(Data));
        return new DocumentClient(server, ReadToken(parse.GetValue(TokenFile)), trust);
    }

    public string? TenantValue(ParseResult parse) => parse.GetValue(Tenant) ?? Environment.GetEnvironmentVariable("CUSTOS_TENANT");

    private static string ReadToken(FileInfo? file)
    {
        string? token;
        if (file is not null)
        {
            token = SecretFiles.ReadFirstLine(file.FullName, "--token-file");
            if (string.IsNullOrWhiteSpace(token)) throw new VaultUsageException($"The token file '{file.FullName}' is empty.");
        }
        else
        {
            token = Environment.GetEnvironmentVariable("CUSTOS_TOKEN");
            if (string.IsNullOrWhiteSpace(token))
                throw new VaultUsageException("No token: set CUSTOS_TOKEN or pass --token-file FILE. Create one with 'custos token create " +
                    "--user NAME --scope documents:read --scope documents:write' or on your account page.");
        }
        return token.Trim();
    }
}
