using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Csv;

namespace Custos.Core.Tests.Vault.Transfer;

public sealed class CustomFieldLinesTests
{
    [Fact]
    public void FormatThenParse_KeepsMultiLineValuesAndColons()
    {
        TransferField[] fields =
        [
            new("Server", "db: primary", false),
            new("Key", "line 1\n line 2 indented\r\nline 3", false),
            new("Blank", "", false),
            new("", "no name", false),
        ];

        Assert.Equal(fields, CustomFieldLines.Parse(CustomFieldLines.Format(fields), secret: false));
    }

    [Fact]
    public void Parse_BitwardenUnindentedContinuation_JoinsValue()
    {
        const string cell = "Address: Hauptstraße 1\n10115 Berlin\nPhone: 030 123\r\n";

        Assert.Equal(
            [new("Address", "Hauptstraße 1\n10115 Berlin", true), new("Phone", "030 123", true)],
            CustomFieldLines.Parse(cell, secret: true));
    }

    [Fact]
    public void Parse_NameWithTrimmedSeparator_IsEmptyField()
    {
        Assert.Equal([new TransferField("Flag", "", false)], CustomFieldLines.Parse("Flag:", secret: false));
    }
}
