using System.CommandLine;
using Custos.Web.SecureUse;
using static Custos.Commands.Vault.VaultArguments;

namespace Custos.Commands.Vault;

/// <summary>The host key an SSH entry's target presented (hostkey), and confirming it (trust-hostkey, needs Manage).</summary>
internal static class VaultHostKeyVerbs
{
    public static IEnumerable<Command> Create(VaultVerbs verbs)
    {
        yield return Show(verbs);
        yield return Trust(verbs);
    }

    private static Argument<string> Entry() => new("entry") { Description = "The SSH entry: Folder/Title or its id." };

    private static Command Show(VaultVerbs verbs)
    {
        var entry = Entry();
        var json = Json();
        return verbs.Verb("hostkey", "Show the host key an SSH entry's server presented and whether it is confirmed.", [entry, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var id = await vault.EntryIdAsync(call.Get(entry)!, ct);
            var reply = await call.Client.GetAsync<SshEndpoints.HostKeyReply>($"{vault.Api}/entries/{id}/ssh/hostkey", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(reply);
            if (reply.HostKey is not { } k) return await call.PrintAsync("No host key seen yet: run a command once (custos ssh ENTRY -- true) to record it.");
            var state = k.Confirmed ? $"confirmed by {k.ConfirmedBy} at {k.ConfirmedAt:yyyy-MM-dd HH:mm} UTC" : "NOT confirmed";
            var text = $"{k.Host}:{k.Port} {k.Algorithm} {k.Fingerprint} ({state}; first seen by {k.FirstSeenBy} at {k.FirstSeenAt:yyyy-MM-dd HH:mm} UTC)";
            if (k.ProposedFingerprint is { } p) text += $"\nA DIFFERENT key was presented at {k.ProposedAt:yyyy-MM-dd HH:mm} UTC and refused: {p}";
            return await call.PrintAsync(text);
        });
    }

    private static Command Trust(VaultVerbs verbs)
    {
        var entry = Entry();
        var fingerprint = new Argument<string>("fingerprint") { Description = "The key's SHA256:… fingerprint, as its server's administrator confirms it." };
        return verbs.Verb("trust-hostkey", "Confirm the host key an SSH entry's server presented (needs Manage on the entry).", [entry, fingerprint],
            async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var id = await vault.EntryIdAsync(call.Get(entry)!, ct);
            var reply = await call.Client.PostAsync<SshEndpoints.HostKeyReply>($"{vault.Api}/entries/{id}/ssh/hostkey/confirm",
                new SshEndpoints.ConfirmRequest(call.Get(fingerprint)), ct);
            return await call.PrintAsync($"Confirmed: {reply.HostKey?.Fingerprint} for {reply.HostKey?.Host}:{reply.HostKey?.Port}.");
        });
    }
}
