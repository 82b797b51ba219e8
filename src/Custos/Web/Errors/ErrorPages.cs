using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Localization;

namespace Custos.Web.Errors;

/// <summary>
/// What a browser sees for an unexpected error or an empty error status: a short page in the user's language with the
/// request id the log carries, instead of problem JSON. API clients (paths under /api, or no text/html in Accept) keep
/// getting problem details. Neither ever shows an exception's message or stack.
/// </summary>
public static class ErrorPages
{
    public static void UseErrorPages(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = _ => StatusCodes.Status500InternalServerError,
            ExceptionHandler = async context =>
            {
                if (WantsHtml(context.Request)) await WriteAsync(context, StatusCodes.Status500InternalServerError);
                else await Results.Problem(statusCode: 500, title: "Internal error",
                    extensions: new Dictionary<string, object?> { ["requestId"] = context.TraceIdentifier }).ExecuteAsync(context);
            },
        });
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            if (WantsHtml(context.Request)) await WriteAsync(context, context.Response.StatusCode);
            else await Results.Problem(statusCode: context.Response.StatusCode).ExecuteAsync(context);
        });
    }

    private static bool WantsHtml(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api") && request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);

    private static async Task WriteAsync(HttpContext context, int status)
    {
        var texts = context.RequestServices.GetRequiredService<IStringLocalizer<Texts>>();
        var key = status switch { 403 => "Error.Forbidden", 404 => "Error.NotFound", >= 500 => "Error.Internal", _ => "Error.Other" };
        var title = WebUtility.HtmlEncode(texts[key].Value);
        var id = WebUtility.HtmlEncode(context.TraceIdentifier);
        var lang = WebUtility.HtmlEncode(Thread.CurrentThread.CurrentUICulture.TwoLetterISOLanguageName);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        // Self-contained on purpose: the layout may be what failed.
        await context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="{lang}"><head><meta charset="utf-8"><title>{title} – Custos</title>
            <link rel="stylesheet" href="/css/site.css"></head>
            <body><main><h1>{title}</h1><p>{WebUtility.HtmlEncode(texts["Error.RequestId", id].Value)}</p>
            <p><a href="/">{WebUtility.HtmlEncode(texts["Error.Home"].Value)}</a></p></main></body></html>
            """);
    }
}
