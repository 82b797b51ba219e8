using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Custos.Core.Documents;
using Custos.Tests.Vault;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace Custos.Tests.Documents;

/// <summary>Files with words in them (plain text, a PDF text layer, a Word document) for the search and erasure tests.</summary>
internal static class SearchTestFiles
{
    // PdfPig's standard 14 fonts lack umlauts; Debian's fonts-dejavu-core is part of the machine image.
    private const string DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private const string W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A one-page PDF with these lines in its text layer.</summary>
    public static byte[] Pdf(params string[] lines)
    {
        Assert.True(File.Exists(DejaVuSans), $"{DejaVuSans} is missing (Debian package fonts-dejavu-core)");
        using var builder = new PdfDocumentBuilder();
        var font = builder.AddTrueTypeFont(File.ReadAllBytes(DejaVuSans));
        var page = builder.AddPage(PageSize.A4);
        for (var i = 0; i < lines.Length; i++) page.AddText(lines[i], 12, new PdfPoint(50, 700 - 20 * i), font);
        return builder.Build();
    }

    /// <summary>A minimal Word document (Office Open XML): content types, the package relationship and the body.</summary>
    public static byte[] Docx(params string[] paragraphs)
    {
        var parts = new (string Name, string Content)[]
        {
            ("[Content_Types].xml",
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"""),
            ("_rels/.rels",
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"""),
            ("word/document.xml",
                $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{string.Concat(paragraphs.Select(p => $"<w:p><w:r><w:t xml:space=\"preserve\">{System.Security.SecurityElement.Escape(p)}</w:t></w:r></w:p>"))}</w:body></w:document>"""),
        };
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in parts)
            {
                using var part = zip.CreateEntry(name).Open();
                part.Write(Encoding.UTF8.GetBytes(content));
            }
        }
        return output.ToArray();
    }

    public const string TextType = "text/plain";
    public const string PdfType = "application/pdf";
    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
}

/// <summary>The search, tag and erasure routes through a <see cref="DocumentClient"/>, and the server's indexer.</summary>
internal static class SearchTestCalls
{
    /// <summary>GET /search with the query string as given (already escaped where needed, see <see cref="Q"/>).</summary>
    public static Task<Reply> SearchAsync(this DocumentClient c, string query) => c.GetAsync("/search?" + query);

    /// <summary>"q=..." escaped.</summary>
    public static string Q(string text) => "q=" + Uri.EscapeDataString(text);

    /// <summary>The names of the documents a search that must succeed finds, in the order given.</summary>
    public static async Task<List<string>> FoundAsync(this DocumentClient c, string query)
    {
        var reply = (await c.SearchAsync(query)).AssertOk();
        return reply.Json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("document").GetProperty("name").GetString()!).ToList();
    }

    /// <summary>The names found, sorted, for comparing sets.</summary>
    public static async Task<List<string>> FoundSortedAsync(this DocumentClient c, string query) =>
        (await c.FoundAsync(query)).Order(StringComparer.Ordinal).ToList();

    public static async Task<Reply> TagAsync(this DocumentClient c, Guid document, params string[] tags) =>
        await Reply.Of(await c.Http.PutAsJsonAsync($"{c.Api}/{document}/tags", new { tags }));

    public static Task<Reply> EraseAsync(this DocumentClient c, object body) => c.PostAsync("/erasures", body);

    public static async Task<Guid> UploadFileAsync(this DocumentClient c, Guid folder, string name, byte[] content, string mediaType) =>
        (await c.UploadAsync(folder, name, content, mediaType)).AssertOk().Json.GetProperty("id").GetGuid();

    /// <summary>Checks out, adds a version with this content type, and so releases the lock.</summary>
    public static async Task CheckInFileAsync(this DocumentClient c, Guid document, byte[] content, string mediaType)
    {
        (await c.PostAsync($"/{document}/checkout")).AssertOk();
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        (await Reply.Of(await c.Http.PostAsync($"{c.Api}/{document}/versions", body))).AssertOk();
    }

    /// <summary>Runs the server's indexer until nothing is pending, as the background service would.</summary>
    public static Task<int> IndexAsync(this DocumentTestSetup d) =>
        d.Server.Server.Host.Services.GetRequiredService<DocumentIndexer>().IndexPendingAsync();

    /// <summary>
    /// A client whose token the server itself issues on its (fake) clock: after the clock has moved years ahead, tokens
    /// made by the command line (on the real clock) have expired.
    /// </summary>
    public static async Task<DocumentClient> ConnectOnServerClockAsync(this DocumentTestSetup d, string user)
    {
        Guid owner;
        await using (var data = d.Server.Data())
            owner = (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
                data.Users.Where(u => u.UserName == user).Select(u => u.Id))).Value;
        var issued = await d.Server.Server.Host.Services.GetRequiredService<Core.Identity.AccessTokens>().CreateAsync(
            new Core.Common.UserId(owner), "tests", ["documents:read", "documents:write"], TimeSpan.FromDays(7), Core.Audit.Actor.CommandLine());
        Assert.True(issued.Succeeded, issued.Error?.Message);
        var http = d.Server.Server.NewBrowser(out _);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Value!.Token);
        return new DocumentClient(http, d.Tenant);
    }

    public static IEnumerable<JsonElement> Items(this Reply report) => report.Json.GetProperty("items").EnumerateArray();
}
