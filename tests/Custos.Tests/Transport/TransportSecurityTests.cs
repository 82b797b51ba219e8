using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Transport;

public sealed class TransportSecurityTests
{
    [Fact]
    public async Task PlainHttp_AnyRequest_Redirects308ToHttpsWithNothingElse()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/audit?actor=x"), (HttpMethod.Post, "/login"), (HttpMethod.Get, "/healthz") })
        {
            using var response = await plain.SendAsync(new HttpRequestMessage(method, $"http://localhost:{server.Options.HttpPort}{path}")
            {
                Content = method == HttpMethod.Post ? new StringContent("userName=a&password=b") : null,
            });
            Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
            Assert.Equal($"https://localhost:{server.Options.HttpsPort}{path}", response.Headers.Location!.ToString());
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS belongs on HTTPS responses only.");
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/login")]
    [InlineData("/audit")]
    [InlineData("/does-not-exist")]
    [InlineData("/css/site.css")]
    public async Task HttpsResponse_AnyPath_CarriesSecurityHeaders(string path)
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);

        using var response = await server.Client.GetAsync(path);

        var hsts = response.Headers.GetValues("Strict-Transport-Security").Single();
        var maxAge = long.Parse(hsts.Split(';')[0].Split('=')[1]);
        Assert.True(maxAge >= 31536000, hsts);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("base-uri 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Health_RunningServer_LiveAndReady(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
        using var ready = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_DatabaseGone_Answers503()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        await using var server = await TestServer.StartAsync(db);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);

        // Dropping the database takes it away from under the running server.
        await using (var admin = new Npgsql.NpgsqlConnection(Environment.GetEnvironmentVariable("CUSTOS_TEST_PG")))
        {
            await admin.OpenAsync();
            var name = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString).Database;
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var cmd = new Npgsql.NpgsqlCommand($"DROP DATABASE {name} WITH (FORCE)", admin);
            await cmd.ExecuteNonQueryAsync();
        }

        using var response = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task OversizedBody_AnyEndpoint_Returns413ProblemDetails()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db, o => o with { MaxRequestBodyBytes = 64 * 1024 });

        // Expect: 100-continue, as clients sending large bodies do: the server answers 413 before any of the body is sent,
        // so the test does not race the server closing the connection against the client still writing.
        using var declaredRequest = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new ByteArrayContent(new byte[200 * 1024]) };
        declaredRequest.Headers.ExpectContinue = true;
        using var declared = await server.Client.SendAsync(declaredRequest);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("application/problem+json", declared.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"status\":413", await declared.Content.ReadAsStringAsync());

        // A chunked body declares no length; the limit must still hold while it is read.
        // Just over the limit, so the whole body is in the socket buffers before the server answers and closes.
        var chunked = new StreamContent(new MemoryStream(new byte[80 * 1024]));
        chunked.Headers.ContentType = new("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Contains("\"status\":413", await streamed.Content.ReadAsStringAsync());
    }
}
