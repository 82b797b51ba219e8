using System.Security.Cryptography;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Core.Tests.Vault.KeePass;

public class KdbxKdfTests
{
    /// <summary>RFC 9106 section 5 test vectors, which use every input KDBX can pass (secret "K" and associated
    /// data "A" included), through the KDBX parameter dictionary.</summary>
    [Theory]
    [InlineData("EF636DDF8C29444B91F7A9A403E30A0C", "512B391B6F1162975371D30919734294F868E3BE3984F3C1A13A4DB9FABE4ACB")]
    [InlineData("9E298B1956DB4773B23DFC3EC6F0A1E6", "0D640DF58D78766C08C037A34A8B53C9D01EF0452D75B65EB52520E96B01E659")]
    public void Argon2_matches_the_rfc_9106_vectors(string kdfUuid, string expectedTag)
    {
        var dictionary = new VariantDictionary();
        dictionary.SetBytes("$UUID", Convert.FromHexString(kdfUuid));
        dictionary.SetBytes("S", Enumerable.Repeat((byte)2, 16).ToArray());
        dictionary.SetUInt32("P", 4);
        dictionary.SetUInt64("M", 32 * 1024);
        dictionary.SetUInt64("I", 3);
        dictionary.SetUInt32("V", 0x13);
        dictionary.SetBytes("K", Enumerable.Repeat((byte)3, 8).ToArray());
        dictionary.SetBytes("A", Enumerable.Repeat((byte)4, 12).ToArray());
        var parameters = KdfParameters.Parse(VariantDictionary.Parse(dictionary.Serialize()));

        var tag = parameters.Derive(Enumerable.Repeat((byte)1, 32).ToArray());

        Assert.Equal(expectedTag, Convert.ToHexString(tag));
    }

    [Fact]
    public void Argon2_version_1_0_is_unsupported()
    {
        var dictionary = new VariantDictionary();
        dictionary.SetBytes("$UUID", Convert.FromHexString("EF636DDF8C29444B91F7A9A403E30A0C"));
        dictionary.SetUInt32("V", 0x10);

        var error = Assert.Throws<Custos.Core.Vault.Transfer.TransferFormatException>(
            () => KdfParameters.Parse(VariantDictionary.Parse(dictionary.Serialize())));

        Assert.Equal(KdbxErrorCodes.Unsupported, error.Code);
    }

    /// <summary>Our AES-KDF runs thousands of rounds per call through CBC; it must equal the definition, one ECB
    /// encryption per round, at chunk edges too.</summary>
    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(4095UL)]
    [InlineData(4096UL)]
    [InlineData(4097UL)]
    [InlineData(10_000UL)]
    public void Aes_kdf_equals_one_ecb_encryption_per_round(ulong rounds)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var seed = RandomNumberGenerator.GetBytes(32);
        using var aes = Aes.Create();
        aes.Key = seed;
        var expected = key.ToArray();
        for (ulong i = 0; i < rounds; i++)
        {
            aes.EncryptEcb(expected, expected, PaddingMode.None);
        }

        Assert.Equal(SHA256.HashData(expected), KdfParameters.AesKdf(seed, rounds).Derive(key));
    }
}
