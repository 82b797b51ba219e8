using System.Buffers.Binary;
using System.Text;

namespace Custos.Core.Tests.Sluice.Inspection.Samples;

/// <summary>Minimal headers of executables and shortcuts: enough for any loader to recognise, nothing that runs.</summary>
internal static class Executables
{
    /// <summary>A DOS stub pointing (e_lfanew) at a PE signature and an x64 COFF header.</summary>
    public static byte[] Pe()
    {
        var bytes = new byte[512];
        bytes[0] = (byte)'M';
        bytes[1] = (byte)'Z';
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(0x3C), 0x80);
        "PE\0\0"u8.CopyTo(bytes.AsSpan(0x80));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x84), 0x8664);
        return bytes;
    }

    public static byte[] Elf()
    {
        var bytes = new byte[64];
        new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0 }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 0x3E); // x86-64
        return bytes;
    }

    public static byte[] MachO()
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0xFEEDFACF);
        return bytes;
    }

    /// <summary>A shell link header (MS-SHLLINK): size 0x4C and the link class id.</summary>
    public static byte[] Lnk()
    {
        var bytes = new byte[76];
        new byte[] { 0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46 }.CopyTo(bytes, 0);
        return bytes;
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);
}
