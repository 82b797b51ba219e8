namespace Custos.Core.Vault.Transfer.KeePass;

// Constants of the KDBX container as KeePass documents it ("KDBX 4" file format page and the KeePass 2 sources'
// published identifiers). UUIDs are the raw 16 bytes in file order.
internal static class KdbxFormat
{
    public const uint Signature1 = 0x9AA2D903;
    public const uint Signature2 = 0xB54BFB67;
    /// <summary>The second signature of KeePass 1.x (.kdb) files, refused with a clearer message.</summary>
    public const uint Signature2Kdb = 0xB54BFB65;

    public const ushort Major3 = 3;
    public const ushort Major4 = 4;
    /// <summary>KDBX 4.0, the version KeePassXC 2.7 writes.</summary>
    public const uint Version40 = 0x00040000;

    public static readonly byte[] CipherAes256 = Convert.FromHexString("31C1F2E6BF714350BE5805216AFC5AFF");
    public static readonly byte[] CipherChaCha20 = Convert.FromHexString("D6038A2B8B6F4CB5A524339A31DBB59A");
    public static readonly byte[] CipherTwofish = Convert.FromHexString("AD68F29F576F4BB9A36AD47AF965346C");

    public static readonly byte[] KdfAes = Convert.FromHexString("C9D9F39A628A4460BF740D08C18A4FEA");
    public static readonly byte[] KdfAesKdbx4 = Convert.FromHexString("7C02BB8279A74AC0927D114A00648238");
    public static readonly byte[] KdfArgon2d = Convert.FromHexString("EF636DDF8C29444B91F7A9A403E30A0C");
    public static readonly byte[] KdfArgon2id = Convert.FromHexString("9E298B1956DB4773B23DFC3EC6F0A1E6");

    /// <summary>The fixed nonce KeePass uses for the Salsa20 inner stream.</summary>
    public static readonly byte[] Salsa20Nonce = [0xE8, 0x30, 0x09, 0x4B, 0x97, 0x20, 0x5D, 0x2A];

    /// <summary>The payload of the end-of-header field that KeePass writes.</summary>
    public static readonly byte[] EndOfHeaderData = [0x0D, 0x0A, 0x0D, 0x0A];
}

/// <summary>Outer header field ids.</summary>
internal enum HeaderField : byte
{
    EndOfHeader = 0,
    Comment = 1,
    CipherId = 2,
    CompressionFlags = 3,
    MasterSeed = 4,
    TransformSeed = 5,
    TransformRounds = 6,
    EncryptionIv = 7,
    ProtectedStreamKey = 8,
    StreamStartBytes = 9,
    InnerRandomStreamId = 10,
    KdfParameters = 11,
    PublicCustomData = 12,
}

/// <summary>Inner header field ids (KDBX 4).</summary>
internal enum InnerHeaderField : byte
{
    EndOfHeader = 0,
    InnerRandomStreamId = 1,
    InnerRandomStreamKey = 2,
    Binary = 3,
}

/// <summary>The cipher protecting in-memory-protected values inside the XML.</summary>
internal enum InnerStreamAlgorithm : uint
{
    None = 0,
    Salsa20 = 2,
    ChaCha20 = 3,
}
