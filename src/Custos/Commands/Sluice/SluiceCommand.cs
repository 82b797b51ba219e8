using System.CommandLine;
using Custos.Commands.Documents;

namespace Custos.Commands.Sluice;

/// <summary>
/// `custos sluice VERB`: the data sluice of a running Custos server, as a client of its API (the same token and options
/// as `custos doc`). `check` asks for the verdict on one file without storing it; `scan` is the kiosk: every file of a
/// mounted medium through the sluice into a folder, with a progress bar and a report; reviewers list, release and block.
/// </summary>
public static class SluiceCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new DocumentConnection();
        var sluice = new Command("sluice", "The data sluice of a running Custos server: check files, bring in a medium (kiosk), review quarantine.");
        connection.AddTo(sluice);
        var verbs = new DocumentVerbs(connection, output, error);
        foreach (var verb in SluiceCheckVerbs.Create(verbs).Concat(SluiceReviewVerbs.Create(verbs)))
            sluice.Subcommands.Add(verb);
        return sluice;
    }

    /// <summary>The sluice API of the tenant whose documents <paramref name="documents"/> are.</summary>
    internal static string Api(DocumentTenant documents) => documents.Api[..documents.Api.LastIndexOf('/')] + "/sluice";

    /// <summary>"PASS", "BLOCK", "REVIEW" with the code of the deciding check.</summary>
    internal static string Line(SluiceCheck c) => $"  {c.Check,-15} {c.Outcome.ToUpperInvariant(),-7} {c.Code}: {c.Detail}";
}
