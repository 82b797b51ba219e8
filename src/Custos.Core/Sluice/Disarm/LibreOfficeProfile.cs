namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// A fresh LibreOffice user profile for one conversion, seeded with settings that keep a hostile document inert.
/// </summary>
/// <remarks>
/// <para>
/// A <c>--convert-to</c> run loads the document through the API without a MacroExecutionMode, which means
/// NEVER_EXECUTE: document macros and event scripts (Basic, Python, JavaScript) do not run. That is LibreOffice's
/// behaviour today, not a promise, so the profile says the same thing again and does not depend on it:
/// MacroSecurityLevel 3 ("very high": only macros from trusted locations, and there are none) and
/// DisableMacrosExecution (no macro runs at all, whatever the level), OfficeBasic 0 (never run Basic) and no plugins.
/// </para>
/// <para>
/// Links are the other way a document reaches beyond itself: a linked section, image or external spreadsheet range
/// would be fetched while rendering, which could pull a file of this server into the output or make a request on the
/// network. Link updates are set to never (Writer 0, Calc 1: the two use different enumerations) and
/// BlockUntrustedRefererLinks stops images referenced from an untrusted document from loading.
/// </para>
/// </remarks>
internal static class LibreOfficeProfile
{
    private const string Settings = """
        <?xml version="1.0" encoding="UTF-8"?>
        <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="OfficeBasic" oor:op="fuse"><value>0</value></prop></item>
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="ExecutePlugins" oor:op="fuse"><value>false</value></prop></item>
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
        <item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
        <item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
        </oor:items>

        """;

    /// <summary>Creates the profile in <paramref name="directory"/> and returns the URL for <c>-env:UserInstallation</c>.</summary>
    public static string Create(string directory)
    {
        var user = Path.Combine(directory, "user");
        Directory.CreateDirectory(user);
        File.WriteAllText(Path.Combine(user, "registrymodifications.xcu"), Settings);
        return new Uri(Path.GetFullPath(directory)).AbsoluteUri;
    }
}
