using System.Text;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Core.Tests.Vault.KeePass;

/// <summary>XML that our writer does not produce but other KeePass programs may.</summary>
public class KdbxXmlMappingTests
{
    private static string Protect(InnerRandomStream protector, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        protector.Apply(bytes);
        return Convert.ToBase64String(bytes);
    }

    private static TransferDocument ReadXml(Func<InnerRandomStream, string> body) =>
        KdbxSamples.Read(KdbxSamples.WrapXml(p => $"<KeePassFile>{body(p)}</KeePassFile>"));

    /// <summary>The inner stream runs in document order: a protected value in an element the reader skips must
    /// still use up its key stream, or every later protected value decrypts to garbage.</summary>
    [Fact]
    public void Protected_values_in_skipped_elements_keep_the_inner_stream_in_step()
    {
        var document = ReadXml(p =>
            $"<Meta><CustomData><Item><Key>k</Key><Value Protected=\"True\">{Protect(p, "plugin secret")}</Value></Item></CustomData></Meta>"
            + $"<Root><Group><Name>r</Name><Entry><Unknown><Deep Protected=\"True\">{Protect(p, "skipped")}</Deep></Unknown>"
            + $"<String><Key>Password</Key><Value Protected=\"True\">{Protect(p, "after the skips")}</Value></String>"
            + "</Entry></Group></Root>");

        Assert.Equal("after the skips", document.Root.Entries.Single().Password);
    }

    [Fact]
    public void Keepass_2_time_otp_fields_in_hex_become_an_otpauth_uri()
    {
        var document = ReadXml(_ => "<Root><Group><Entry>"
            + "<String><Key>Title</Key><Value>Hex</Value></String>"
            + "<String><Key>TimeOtp-Secret-Hex</Key><Value>48656c6c6f21deadbeef</Value></String>"
            + "<String><Key>Other</Key><Value>kept</Value></String>"
            + "</Entry></Group></Root>");

        var entry = document.Root.Entries.Single();
        Assert.Equal("otpauth://totp/Hex?secret=JBSWY3DPEHPK3PXP", entry.Totp);
        Assert.Equal([new TransferField("Other", "kept", false)], entry.Fields);
    }

    [Fact]
    public void An_otp_field_wins_over_time_otp_fields_which_stay_custom_fields()
    {
        var entry = ReadXml(_ => "<Root><Group><Entry>"
            + "<String><Key>otp</Key><Value>otpauth://totp/a?secret=AAAA</Value></String>"
            + "<String><Key>TimeOtp-Secret-Base32</Key><Value>BBBB</Value></String>"
            + "</Entry></Group></Root>").Root.Entries.Single();

        Assert.Equal("otpauth://totp/a?secret=AAAA", entry.Totp);
        Assert.Equal([new TransferField("TimeOtp-Secret-Base32", "BBBB", false)], entry.Fields);
    }

    [Fact]
    public void Extra_urls_are_ordered_by_their_number_and_empty_ones_dropped()
    {
        var entry = ReadXml(_ => "<Root><Group><Entry>"
            + "<String><Key>KP2A_URL_10</Key><Value>https://k</Value></String>"
            + "<String><Key>KP2A_URL_2</Key><Value>https://c</Value></String>"
            + "<String><Key>KP2A_URL</Key><Value>https://a</Value></String>"
            + "<String><Key>KP2A_URL_1</Key><Value></Value></String>"
            + "<String><Key>URL</Key><Value>https://main</Value></String>"
            + "</Entry></Group></Root>").Root.Entries.Single();

        Assert.Equal(["https://main", "https://a", "https://c", "https://k"], entry.Urls);
    }

    [Fact]
    public void Missing_binaries_and_extra_top_level_groups_are_reported_as_skipped()
    {
        var document = ReadXml(_ => "<Root><Group><Name>db</Name><Group><Name>g</Name><Entry>"
            + "<String><Key>Title</Key><Value>e</Value></String>"
            + "<Binary><Key>gone.txt</Key><Value Ref=\"7\"/></Binary>"
            + "<Binary><Key>inline.txt</Key><Value>aGk=</Value></Binary>"
            + "</Entry></Group></Group><Group><Name>second</Name></Group></Root>");

        var entry = document.Root.Folders.Single().Entries.Single();
        Assert.Equal("hi", Encoding.UTF8.GetString(Assert.Single(entry.Attachments).Content));
        Assert.Contains(document.Skipped, s => s.Path == "g/e/gone.txt");
        Assert.Contains(document.Skipped, s => s.Reason.Contains("second top-level group"));
    }
}
