using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Transport;

public sealed class ErrorPagesTests
{
    [Fact]
    public async Task UnknownPage_Browser_GetsPageInItsLanguage_ApiClient_GetsProblemJson()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await server.CompleteSetupAsync();
        await server.LoginWithTotpAsync();

        using var english = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        english.Headers.Accept.ParseAdd("text/html");
        using var englishPage = await server.Client.SendAsync(english);
        using var german = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        german.Headers.Accept.ParseAdd("text/html");
        german.Headers.AcceptLanguage.ParseAdd("de-DE");
        using var germanPage = await server.Client.SendAsync(german);
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/v1/no-such-thing");
        api.Headers.Accept.ParseAdd("text/html");
        using var apiAnswer = await server.Client.SendAsync(api);

        Assert.Equal(HttpStatusCode.NotFound, englishPage.StatusCode);
        Assert.Equal("text/html", englishPage.Content.Headers.ContentType!.MediaType);
        var html = await englishPage.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Not found</h1>", html);
        Assert.Contains("request id", html);
        Assert.Contains("<h1>Nicht gefunden</h1>", await germanPage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, apiAnswer.StatusCode);
        Assert.Equal("application/problem+json", apiAnswer.Content.Headers.ContentType!.MediaType);
    }
}
