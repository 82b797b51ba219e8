using System.CommandLine;

namespace Custos.Commands.Vault;

/// <summary>
/// Which server, which token, which certificates and which tenant: options of `vault` that every verb takes (before
/// or after the verb), each with an environment variable. The token is never an argument: it would land in the shell
/// history and in the process list.
/// </summary>
internal sealed class VaultConnection
{
    public const string DefaultServer = "https://localhost:8443";

    public Option<string?> Server { get; } = new("--server")
    {
        Description = $"Address of the Custos server (default {DefaultServer}, or CUSTOS_SERVER).", Recursive = true,
    };

    public Option<FileInfo?> TokenFile { get; } = new("--token-file")
    {
        Description = "File holding a personal access token (default: the CUSTOS_TOKEN environment variable).", Recursive = true,
    };

    public Option<FileInfo?> CaCert { get; } = new("--ca-cert")
    {
        Description = "Also trust this CA or server certificate (PEM), e.g. a private CA or Custos' self-signed certificate.", Recursive = true,
    };

    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Data directory of a server on this machine (default ./data, or CUSTOS_DATA): for localhost its self-signed " +
            "certificate is trusted when no --ca-cert is given.",
        Recursive = true,
    };

    public Option<string?> Tenant { get; } = new("--tenant")
    {
        Description = "Tenant name or id (or CUSTOS_TENANT); may be left out when the token reaches only one.", Recursive = true,
    };

    public void AddTo(Command vault)
    {
        foreach (var option in new Option[] { Server, TokenFile, CaCert, Data, Tenant }) vault.Options.Add(option);
    }

    /// <summary>A client for the server the options name; fails before any request when something is missing.</summary>
    public VaultClient Open(ParseResult parse)
    {
        var text = parse.GetValue(Server) ?? Environment.GetEnvironmentVariable("CUSTOS_SERVER") ?? DefaultServer;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
            throw new VaultUsageException($"'{text}' is not a server address like {DefaultServer}.");
        if (server.Scheme == "http")
            throw new VaultUsageException("The server address must start with https://: the token must not travel unencrypted.");
        var trust = ServerTrust.Create(server, parse.GetValue(CaCert), parse.GetValue(Data));
        return new VaultClient(server, ReadToken(parse.GetValue(TokenFile)), trust);
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
                    "--user NAME --scope vault:read --scope vault:write' or on your account page.");
        }
        return token.Trim();
    }
}

/// <summary>The command was called wrongly (exit code 2), found only when it runs.</summary>
internal sealed class VaultUsageException(string message) : Exception(message);
