using System.CommandLine;
using Custos.Commands.Vault;

namespace Custos.Commands.Remote;

/// <summary>
/// Which server, token, certificates and tenant: the options every remote command (`vault`, `doc`) takes before or after
/// its verb, each with the same environment variable, so that one setting serves all of them. The token is never an
/// argument: it would land in the shell history and in the process list. Each command opens its own client type
/// (<typeparamref name="TClient"/>) from what the options name.
/// </summary>
internal abstract class RemoteConnection<TClient>(RemoteConnection<TClient>.Texts texts) where TClient : IDisposable
{
    public const string DefaultServer = "https://localhost:8443";

    /// <param name="Data">Help text of --data.</param>
    /// <param name="Unencrypted">Why https is required (what must not travel unencrypted).</param>
    /// <param name="TokenScopes">The scopes the 'token create' hint names ("--scope vault:read --scope vault:write").</param>
    public sealed record Texts(string Data, string Unencrypted, string TokenScopes);

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

    public Option<string?> Data { get; } = new("--data") { Description = texts.Data, Recursive = true };

    public Option<string?> Tenant { get; } = new("--tenant")
    {
        Description = "Tenant name or id (or CUSTOS_TENANT); may be left out when the token reaches only one.", Recursive = true,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Server, TokenFile, CaCert, Data, Tenant }) command.Options.Add(option);
    }

    /// <summary>A client for the server the options name; fails before any request when something is missing.</summary>
    public TClient Open(ParseResult parse)
    {
        var text = parse.GetValue(Server) ?? Environment.GetEnvironmentVariable("CUSTOS_SERVER") ?? DefaultServer;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
            throw new VaultUsageException($"'{text}' is not a server address like {DefaultServer}.");
        if (server.Scheme == "http")
            throw new VaultUsageException($"The server address must start with https://: {texts.Unencrypted} must not travel unencrypted.");
        var trust = ServerTrust.Create(server, parse.GetValue(CaCert), parse.GetValue(Data));
        return Create(server, ReadToken(parse.GetValue(TokenFile)), trust);
    }

    public string? TenantValue(ParseResult parse) => parse.GetValue(Tenant) ?? Environment.GetEnvironmentVariable("CUSTOS_TENANT");

    protected abstract TClient Create(Uri server, string token, ServerTrust trust);

    private string ReadToken(FileInfo? file)
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
                    $"--user NAME {texts.TokenScopes}' or on your account page.");
        }
        return token.Trim();
    }
}
