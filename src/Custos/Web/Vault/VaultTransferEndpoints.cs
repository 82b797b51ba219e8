using Custos.Web.Sluice;
using System.Text.Json;
using Custos.Core.Common;
using Custos.Core.Vault;
using Custos.Core.Vault.Transfer;

namespace Custos.Web.Vault;

/// <summary>Import (multipart upload) and export (a file download) of KeePass, Bitwarden and CSV files.</summary>
public static class VaultTransferEndpoints
{
    public sealed record ExportRequest(string? Format, Guid? Folder, string? Password);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    internal static void MapVaultTransferEndpoints(this RouteGroupBuilder vault)
    {
        // The file is parsed into entries and never kept or handed on; attachments inside it pass the sluice one by one.
        vault.MapPost("/import", async (Guid tenant, HttpContext http, VaultTransfer transfer, TimeProvider time, CancellationToken ct) =>
        {
            if (!http.Request.HasFormContentType) return Bad("Send the file as multipart/form-data.");
            var form = await http.Request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file");
            if (file is null || file.Length == 0) return Bad("Attach the file to import as 'file'.");
            IReadOnlyList<PermissionInput>? permissions;
            try
            {
                permissions = form.TryGetValue("permissions", out var p) && !string.IsNullOrWhiteSpace(p)
                    ? JsonSerializer.Deserialize<List<PermissionInput>>(p.ToString(), Json)
                    : null;
            }
            catch (JsonException)
            {
                return Bad("'permissions' must be a JSON list like [{\"group\":\"Support\",\"rights\":\"Use, Read\"}].");
            }
            byte[]? keyFile = null;
            if (form.Files.GetFile("keyFile") is { Length: > 0 and < 1024 * 1024 } key)
            {
                using var keyBuffer = new MemoryStream();
                await key.CopyToAsync(keyBuffer, ct);
                keyFile = keyBuffer.ToArray();
            }
            var formatName = form["format"].ToString();
            TransferDocument document;
            try
            {
                var format = TransferFormats.Parse(string.IsNullOrEmpty(formatName) ? "kdbx" : formatName);
                await using var input = file.OpenReadStream();
                // The readers are synchronous and CPU-bound (KDF, decryption); off the request thread.
                var csv = form["csvMapping"].ToString() is { Length: > 0 } map ? new Core.Vault.Transfer.Csv.GenericCsvOptions { Mapping = Core.Vault.Transfer.Csv.CsvMappingText.Parse(map) } : null;
                document = await Task.Run(() => TransferFormats.Read(format, input, form["password"].ToString() is { Length: > 0 } pw ? pw : null, keyFile, csv), ct);
            }
            catch (TransferFormatException e)
            {
                return Results.Problem(statusCode: 422, title: e.Message, extensions: new Dictionary<string, object?> { ["code"] = e.Code });
            }
            var target = new ImportTarget(Guid.TryParse(form["parent"], out var parent) ? parent : null, form["folderName"].ToString(), permissions,
                !string.Equals(form["inheritRights"], "false", StringComparison.OrdinalIgnoreCase));
            return VaultApi.From(await transfer.ImportAsync(new TenantId(tenant), document, target, formatName, http.Caller(time), ct));
        }).Writes().DisableAntiforgery().TakesFiles(FileIntake.Parsed).WithName("ImportVault");

        vault.MapPost("/export", async (Guid tenant, ExportRequest body, HttpContext http, VaultTransfer transfer, TimeProvider time, CancellationToken ct) =>
        {
            TransferFormat format;
            try
            {
                format = TransferFormats.Parse(body.Format ?? "kdbx");
                if (format == TransferFormat.BitwardenCsv) return Bad("Custos exports KeePass (kdbx), Bitwarden JSON and CSV.");
                if (format == TransferFormat.Kdbx && string.IsNullOrEmpty(body.Password)) return Bad("A KeePass export needs a 'password' for the file.");
            }
            catch (TransferFormatException e)
            {
                return Bad(e.Message);
            }
            var result = await transfer.ExportAsync(new TenantId(tenant), body.Folder, body.Format ?? "kdbx", http.Caller(time), ct);
            if (!result.Succeeded) return VaultApi.Problem(result.Error!);
            var output = new MemoryStream();
            await Task.Run(() => TransferFormats.Write(format, result.Value!.Root, output, body.Password), ct);
            output.Position = 0;
            http.Response.Headers["X-Custos-Exported"] = result.Value!.Entries.ToString();
            http.Response.Headers["X-Custos-Left-Out"] = result.Value.LeftOut.ToString();
            return Results.File(output, "application/octet-stream", $"custos-export.{TransferFormats.FileExtension(format)}");
        }).Reveals().WithName("ExportVault");
    }

    private static IResult Bad(string message) => Results.Problem(statusCode: 400, title: message, extensions: new Dictionary<string, object?> { ["code"] = "vault.invalid" });
}
