using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Keys;

/// <summary>A 256-bit key-encryption key held in a file of its own; it wraps the tenants' data keys and nothing else.</summary>
public sealed class MasterKey : IDisposable
{
    public const int Size = 32;
    private static readonly byte[] CheckLabel = "custos-master-key-check-v1"u8.ToArray();

    public MasterKey(string id, byte[] material)
    {
        if (material.Length != Size) throw new ArgumentException("A master key is 32 bytes.", nameof(material));
        Id = id;
        Material = material;
    }

    public string Id { get; }
    internal byte[] Material { get; }

    public static MasterKey Generate() =>
        new($"mk-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}", RandomNumberGenerator.GetBytes(Size));

    /// <summary>A value stored in the database that shows whether a key file is the right one without revealing the key.</summary>
    public byte[] CheckValue() => HMACSHA256.HashData(Material, CheckLabel)[..16];

    public byte[] Wrap(ReadOnlySpan<byte> dataKey, string context)
    {
        var output = new byte[12 + 16 + dataKey.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var gcm = new AesGcm(Material, 16);
        gcm.Encrypt(output.AsSpan(0, 12), dataKey, output.AsSpan(28), output.AsSpan(12, 16), Associated(context));
        return output;
    }

    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string context)
    {
        if (wrapped.Length < 28) throw new CryptographicException("Wrapped key is too short.");
        var output = new byte[wrapped.Length - 28];
        using var gcm = new AesGcm(Material, 16);
        gcm.Decrypt(wrapped[..12], wrapped[28..], wrapped.Slice(12, 16), output, Associated(context));
        return output;
    }

    private byte[] Associated(string context) => Encoding.UTF8.GetBytes($"custos-dek-wrap-v1|{Id}|{context}");

    public void Dispose() => CryptographicOperations.ZeroMemory(Material);
}
