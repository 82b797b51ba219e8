namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>The <see cref="TransferFormatException.Code"/> values a KDBX reader raises.</summary>
public static class KdbxErrorCodes
{
    /// <summary>The password or key file does not open the file.</summary>
    public const string WrongKey = "kdbx.wrong-key";
    /// <summary>A checksum, MAC or structure does not hold: the file was damaged or altered.</summary>
    public const string Corrupt = "kdbx.corrupt";
    /// <summary>The file ends before its content does.</summary>
    public const string Truncated = "kdbx.truncated";
    /// <summary>The file does not start with the KeePass 2 signature.</summary>
    public const string NotKdbx = "kdbx.not-kdbx";
    /// <summary>A version, cipher, KDF or KDF cost this reader does not accept.</summary>
    public const string Unsupported = "kdbx.unsupported";
    /// <summary>The inner XML declares a DTD (entity expansion is refused).</summary>
    public const string UnsafeXml = "kdbx.unsafe-xml";
    /// <summary>The content exceeds a <see cref="KdbxReadLimits"/> bound.</summary>
    public const string TooLarge = "kdbx.too-large";
}

/// <summary>Builds the exceptions; messages name what failed, never a value read from the file.</summary>
internal static class KdbxError
{
    public static TransferFormatException WrongKey(string message) => new(KdbxErrorCodes.WrongKey, message);
    public static TransferFormatException Corrupt(string message, Exception? inner = null) =>
        new(KdbxErrorCodes.Corrupt, message, inner);
    public static TransferFormatException Truncated(Exception? inner = null) =>
        new(KdbxErrorCodes.Truncated, "The KeePass file ends too early; it is truncated.", inner);
    public static TransferFormatException NotKdbx() =>
        new(KdbxErrorCodes.NotKdbx, "This is not a KeePass 2 (KDBX) database file.");
    public static TransferFormatException Unsupported(string message) => new(KdbxErrorCodes.Unsupported, message);
    public static TransferFormatException UnsafeXml() =>
        new(KdbxErrorCodes.UnsafeXml, "The database's XML declares a DTD; entity expansion is refused.");
    public static TransferFormatException TooLarge(string message) => new(KdbxErrorCodes.TooLarge, message);
}
