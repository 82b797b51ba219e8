using Custos.Core.Vault.Generator;

namespace Custos.Core.Sharing;

/// <summary>Passwords Custos makes for links and packages: four words and a number, easy to read out on the phone (about 50 bits).</summary>
public static class SharePasswords
{
    public const int MinimumGivenLength = 10;

    public static string Generate(string language) =>
        PasswordGenerator.GeneratePassphrase(new PassphraseOptions
        {
            Words = 4, Separator = "-", Capitalize = true, IncludeNumber = true, Language = language == "de" ? "de" : "en",
        }).Value!.Value;
}
