namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>Reads an uploaded file into memory, refusing it as soon as it passes the size limit.</summary>
internal static class BoundedInput
{
    public static byte[] ReadAll(Stream input, long maxBytes, string errorCode)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = input.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new TransferFormatException(errorCode, $"The file is larger than the import limit of {maxBytes:N0} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
