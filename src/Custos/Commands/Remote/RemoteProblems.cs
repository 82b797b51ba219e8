using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Custos.Commands.Remote;

/// <summary>The server's answers as one line for the operator: refusals (problem details) and answers that are not the API's.</summary>
internal static class RemoteProblems
{
    /// <param name="Forbidden">A 403 without details: what may have refused.</param>
    /// <param name="StepUp">The answer to auth.step_up_required.</param>
    /// <param name="NotFound">A 404 that is no problem document (no such API at this address); null: treated like any other status.</param>
    /// <param name="ScopeHint">Added when the token lacks a scope: how to get one that has it; null: the server's words alone.</param>
    public sealed record Texts(string Forbidden, string StepUp, string? NotFound = null, string? ScopeHint = null);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonSerializerOptions options, Uri server, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(options, ct)
                   ?? throw new CommandException($"The server at {server} answered with nothing.");
        }
        catch (JsonException)
        {
            throw new CommandException($"The server at {server} answered with something other than the Custos API expects; check --server.");
        }
    }

    public static async Task<string> DescribeAsync(HttpResponseMessage response, Uri server, Texts texts, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            return "The server did not accept the token: it is invalid, expired or revoked. Create a new one ('custos token create' or " +
                   "your account page) and pass it with CUSTOS_TOKEN or --token-file.";
        if (status is >= 300 and < 400)
            return $"The server answered with a redirect to {response.Headers.Location}; check --server.";
        if (texts.NotFound is { } notFound && response.StatusCode == HttpStatusCode.NotFound &&
            response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
            return notFound;
        string? title = null, detail = null, code = null;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                title = Text(problem.RootElement, "title");
                detail = Text(problem.RootElement, "detail");
                code = Text(problem.RootElement, "code");
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, say): the status line below says what can be said.
        }
        if (response.StatusCode == HttpStatusCode.Forbidden && detail is null && code is null) return texts.Forbidden;
        if (response.StatusCode == HttpStatusCode.Forbidden && texts.ScopeHint is { } hint && detail?.StartsWith("The token lacks the scope ", StringComparison.Ordinal) == true)
            return OneLine($"{detail} {hint}");
        if (code == "auth.step_up_required") return texts.StepUp;
        var message = (title, detail) switch
        {
            (null, null) => $"The server answered {status} {response.ReasonPhrase}.",
            (null, _) => detail!,
            // The generic titles ("Forbidden", "Bad request") say less than the detail that comes with them.
            (_, not null) when title != detail => $"{title}: {detail}",
            _ => title!,
        };
        return OneLine(message);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    private static string OneLine(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length > 500 ? line[..500] + "…" : line;
    }
}
