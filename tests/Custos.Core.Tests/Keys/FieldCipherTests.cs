using System.Buffers.Binary;
using System.Security.Cryptography;
using Custos.Core.Keys;

namespace Custos.Core.Tests.Keys;

public sealed class FieldCipherTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly FieldContext Context = new(Guid.Parse("6f1c2b0e-4a39-4c1e-9d8e-2f6a7b5c3d10"), "row-42", "password", 7);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10 * 1024)]
    public void EncryptDecrypt_RoundTrip_ReturnsPlaintext(int length)
    {
        byte[] plaintext = RandomNumberGenerator.GetBytes(length);

        byte[] ciphertext = FieldCipher.Encrypt(Key, 3, Context, plaintext);

        Assert.Equal(plaintext, FieldCipher.Decrypt(Key, Context, ciphertext));
    }

    [Fact]
    public void Encrypt_Always_ProducesDocumentedLayout()
    {
        byte[] ciphertext = FieldCipher.Encrypt(Key, 0x01020304, Context, new byte[5]);

        Assert.Equal(1 + 4 + 12 + 16 + 5, ciphertext.Length);
        Assert.Equal(FieldCipher.Overhead + 5, ciphertext.Length);
        Assert.Equal(0x01, ciphertext[0]);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, ciphertext[1..5]);
    }

    [Fact]
    public void ReadDataKeyVersion_ValidCiphertext_ReturnsVersion()
    {
        byte[] ciphertext = FieldCipher.Encrypt(Key, 123456, Context, "secret"u8);

        Assert.Equal(123456, FieldCipher.ReadDataKeyVersion(ciphertext));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32)]
    public void ReadDataKeyVersion_TooShort_Throws(int length)
    {
        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.ReadDataKeyVersion(new byte[length]));
    }

    [Fact]
    public void ReadDataKeyVersion_UnknownFormat_Throws()
    {
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, Context, "x"u8);
        ciphertext[0] = 0x02;

        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.ReadDataKeyVersion(ciphertext));
    }

    [Fact]
    public void ReadDataKeyVersion_NegativeVersion_Throws()
    {
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, Context, "x"u8);
        BinaryPrimitives.WriteInt32BigEndian(ciphertext.AsSpan(1), -1);

        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.ReadDataKeyVersion(ciphertext));
    }

    public static TheoryData<string, FieldContext> ChangedContexts() => new()
    {
        { "tenant", Context with { TenantId = Guid.Parse("6f1c2b0e-4a39-4c1e-9d8e-2f6a7b5c3d11") } },
        { "row", Context with { RowId = "row-43" } },
        { "field", Context with { Field = "passwore" } },
        { "row version", Context with { RowVersion = 8 } },
        { "row/field boundary", Context with { RowId = "row-42p", Field = "assword" } },
        { "empty row", Context with { RowId = "" } },
    };

    [Theory]
    [MemberData(nameof(ChangedContexts))]
    public void Decrypt_ContextChanged_Throws(string changed, FieldContext other)
    {
        Assert.NotEqual(Context, other);
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, Context, "secret"u8);

        var ex = Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(Key, other, ciphertext));
        Assert.False(string.IsNullOrEmpty(ex.Message), changed);
    }

    [Fact]
    public void Decrypt_StringBoundaryShifted_Throws()
    {
        var left = Context with { RowId = "ab", Field = "c" };
        var right = Context with { RowId = "a", Field = "bc" };
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, left, "secret"u8);

        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(Key, right, ciphertext));
    }

    [Fact]
    public void Decrypt_DataKeyVersionChanged_Throws()
    {
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, Context, "secret"u8);
        BinaryPrimitives.WriteInt32BigEndian(ciphertext.AsSpan(1), 2);

        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(Key, Context, ciphertext));
    }

    [Fact]
    public void Decrypt_AnyBitFlipped_Throws()
    {
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, Context, "a short secret"u8);

        for (int i = 0; i < ciphertext.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] tampered = (byte[])ciphertext.Clone();
                tampered[i] ^= (byte)(1 << bit);

                Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(Key, Context, tampered));
            }
        }
    }

    [Fact]
    public void Decrypt_Truncated_Throws()
    {
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, Context, "a short secret"u8);

        for (int length = 0; length < ciphertext.Length; length++)
        {
            byte[] truncated = ciphertext[..length];
            Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(Key, Context, truncated));
        }
    }

    [Fact]
    public void Decrypt_ByteAppended_Throws()
    {
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, Context, "secret"u8);

        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(Key, Context, [.. ciphertext, 0]));
    }

    [Fact]
    public void Encrypt_SamePlaintextTwice_ProducesDifferentCiphertexts()
    {
        byte[] first = FieldCipher.Encrypt(Key, 1, Context, "secret"u8);
        byte[] second = FieldCipher.Encrypt(Key, 1, Context, "secret"u8);

        Assert.NotEqual(first, second);
        Assert.NotEqual(first[5..17], second[5..17]);
    }

    [Fact]
    public void Decrypt_WrongKey_Throws()
    {
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, Context, "secret"u8);
        byte[] otherKey = RandomNumberGenerator.GetBytes(32);

        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(otherKey, Context, ciphertext));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void EncryptDecrypt_KeyNot32Bytes_ThrowsArgumentException(int keyLength)
    {
        byte[] badKey = new byte[keyLength];
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, Context, "secret"u8);

        Assert.Throws<ArgumentException>(() => FieldCipher.Encrypt(badKey, 1, Context, "secret"u8));
        Assert.Throws<ArgumentException>(() => FieldCipher.Decrypt(badKey, Context, ciphertext));
    }

    [Fact]
    public void Encrypt_NegativeKeyVersion_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FieldCipher.Encrypt(Key, -1, Context, "secret"u8));
    }

    [Fact]
    public void EncryptDecrypt_LongNonAsciiContext_RoundTrips()
    {
        var context = Context with { RowId = new string('é', 600), Field = "名前" };
        byte[] ciphertext = FieldCipher.Encrypt(Key, 1, context, "secret"u8);

        Assert.Equal("secret"u8.ToArray(), FieldCipher.Decrypt(Key, context, ciphertext));
        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(Key, context with { Field = "名" }, ciphertext));
    }

    [Fact]
    public void Encrypt_LoneSurrogateInContext_ThrowsArgumentException()
    {
        var context = Context with { RowId = "row\uD800" };

        Assert.ThrowsAny<ArgumentException>(() => FieldCipher.Encrypt(Key, 1, context, "secret"u8));
    }
}
