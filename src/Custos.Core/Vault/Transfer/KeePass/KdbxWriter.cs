namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Writes a folder tree as a KeePass KDBX 4.0 database that KeePass 2.35+ and KeePassXC open. Entries keep
/// history, attachments, tags, times and expiry; TOTP goes to KeePassXC's "otp" field, extra URLs to
/// "KP2A_URL"/"KP2A_URL_n", the service limitation to "Custos.ServiceLimitation".</summary>
public static class KdbxWriter
{
    public static void Write(TransferDocument document, Stream output, KdbxCredentials credentials,
        KdbxWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        Write(document.Root, output, credentials, options);
    }

    /// <summary>Writes <paramref name="root"/> as the root group; its name is the database name.</summary>
    public static void Write(TransferFolder root, Stream output, KdbxCredentials credentials,
        KdbxWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(credentials);
        options ??= KdbxWriteOptions.Default;
        var binaries = BinaryPool.Collect(root);
        Kdbx4Container.Write(output, credentials, options, binaries.Contents,
            (payload, protector) => KdbxXmlWriter.Write(payload, root, protector, binaries, options.Generator));
    }
}
