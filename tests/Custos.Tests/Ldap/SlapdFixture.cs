using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Ldap;

/// <summary>
/// A real OpenLDAP slapd on free loopback ports (ldap:// with StartTLS and ldaps://), with an AD-like schema: AD's
/// userAccountControl and sAMAccountName, memberOf filled by the memberof overlay, and ppolicy so that a locked account
/// cannot bind, as a disabled AD account cannot. Each test starts its own, so directory changes never leak between
/// tests. The certificate comes from a throwaway CA made here; <see cref="CaDirectory"/> holds only that CA.
/// </summary>
public sealed class SlapdFixture : IAsyncDisposable
{
    public const string Slapd = "/usr/sbin/slapd";
    public const string BaseDn = "dc=example,dc=test";
    public const string PeopleDn = "ou=People," + BaseDn;
    public const string AdminsDn = "cn=admins,ou=Groups," + BaseDn;
    public const string StaffDn = "cn=staff,ou=Groups," + BaseDn;
    public const string AdminDn = "cn=admin," + BaseDn;
    /// <summary>AD's filter for enabled accounts: bit 2 (ACCOUNTDISABLE) of userAccountControl clear.</summary>
    public const string EnabledUsersFilter = "(&(objectClass=inetOrgPerson)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))";

    /// <summary>alice and bob are admins; carol, dave and erin staff; erin is disabled (514 and locked).</summary>
    public static readonly IReadOnlyList<(string Uid, string Name, string Group, bool Disabled)> People =
    [
        ("alice", "Alice Adams", AdminsDn, false),
        ("bob", "Bob Brown", AdminsDn, false),
        ("carol", "Carol Clark", StaffDn, false),
        ("dave", "Dave Davis", StaffDn, false),
        ("erin", "Erin Evans", StaffDn, true),
    ];

    private readonly Process process;
    private readonly StringBuilder log;

    private SlapdFixture(string root, int port, int tlsPort, string adminPassword, Process process, StringBuilder log)
    {
        Root = root;
        Port = port;
        TlsPort = tlsPort;
        AdminPassword = adminPassword;
        this.process = process;
        this.log = log;
    }

    public string Root { get; }
    /// <summary>Plain LDAP, upgraded with StartTLS by Custos.</summary>
    public int Port { get; }
    public int TlsPort { get; }
    public string AdminPassword { get; }
    public string CaDirectory => Path.Combine(Root, "ca");
    public string Log => log.ToString();

    public static string DnOf(string uid) => $"uid={uid},{PeopleDn}";

    public static string PasswordOf(string uid) => $"{char.ToUpperInvariant(uid[0])}{uid[1..]}-Directory-7";

    public static async Task<SlapdFixture> StartAsync()
    {
        if (!File.Exists(Slapd))
            throw new InvalidOperationException($"{Slapd} is missing: ./test.sh installs Debian's slapd and ldap-utils packages (the LDAP tests need a real directory).");
        var root = Directory.CreateTempSubdirectory("custos-slapd-").FullName;
        try
        {
            var adminPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
            WriteTls(root);
            WriteConfig(root, adminPassword);
            var (port, tlsPort) = (FreePort.Next(), FreePort.Next());
            var log = new StringBuilder();
            var start = new ProcessStartInfo(Slapd) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-f", Path.Combine(root, "slapd.conf"), "-h", $"ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{tlsPort}/", "-d", "0" })
                start.ArgumentList.Add(a);
            var process = Process.Start(start) ?? throw new InvalidOperationException("slapd did not start.");
            process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var slapd = new SlapdFixture(root, port, tlsPort, adminPassword, process, log);
            try
            {
                await slapd.WaitUntilReadyAsync();
                slapd.Seed();
                return slapd;
            }
            catch
            {
                await slapd.DisposeAsync();
                throw;
            }
        }
        catch
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            throw;
        }
    }

    /// <summary>Stops the server (as an outage would); the ports then refuse connections.</summary>
    public async Task StopAsync()
    {
        if (process.HasExited) return;
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>Disables the account as AD does: bit 2 of userAccountControl; <paramref name="lock"/> also makes ppolicy refuse its bind.</summary>
    public void Disable(string uid, bool @lock = true)
    {
        Modify(DnOf(uid), DirectoryAttributeOperation.Replace, "userAccountControl", "514");
        if (@lock) Modify(DnOf(uid), DirectoryAttributeOperation.Replace, "pwdAccountLockedTime", "000001010000Z");
    }

    public void Enable(string uid)
    {
        Modify(DnOf(uid), DirectoryAttributeOperation.Replace, "userAccountControl", "512");
        Modify(DnOf(uid), DirectoryAttributeOperation.Replace, "pwdAccountLockedTime");
    }

    /// <summary>Adds a group whose members are the given DNs (people or other groups); returns its DN.</summary>
    public string AddGroup(string cn, params string[] memberDns)
    {
        var dn = $"cn={cn},ou=Groups,{BaseDn}";
        using var admin = ConnectAsAdmin();
        var request = new AddRequest(dn);
        request.Attributes.Add(new DirectoryAttribute("objectClass", "groupOfNames"));
        request.Attributes.Add(new DirectoryAttribute("cn", cn));
        request.Attributes.Add(new DirectoryAttribute("member", memberDns));
        admin.SendRequest(request);
        return dn;
    }

    public void SetGroupMembers(string groupDn, params string[] uids) =>
        Modify(groupDn, DirectoryAttributeOperation.Replace, "member", [.. uids.Select(DnOf)]);

    public void Modify(string dn, DirectoryAttributeOperation operation, string attribute, params string[] values)
    {
        using var admin = ConnectAsAdmin();
        var change = new DirectoryAttributeModification { Name = attribute, Operation = operation };
        foreach (var v in values) change.Add(v);
        admin.SendRequest(new ModifyRequest(dn, change));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process.Dispose();
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }

    /// <summary>The test's own access as the directory's root DN, over plain LDAP on loopback.</summary>
    private LdapConnection ConnectAsAdmin()
    {
        var c = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", Port), new NetworkCredential(AdminDn, AdminPassword), AuthType.Basic)
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        c.SessionOptions.ProtocolVersion = 3;
        c.Bind();
        return c;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"slapd exited with code {process.ExitCode} before it was ready:\n{Log}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                using var tls = new TcpClient();
                await tls.ConnectAsync(IPAddress.Loopback, TlsPort);
                using var admin = ConnectAsAdmin();
                return;
            }
            catch (Exception e) when (e is SocketException or LdapException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private void Seed()
    {
        using var admin = ConnectAsAdmin();
        void Add(string dn, params (string Name, string[] Values)[] attributes)
        {
            var request = new AddRequest(dn);
            foreach (var (name, values) in attributes) request.Attributes.Add(new DirectoryAttribute(name, values));
            admin.SendRequest(request);
        }

        Add(BaseDn, ("objectClass", ["dcObject", "organization"]), ("dc", ["example"]), ("o", ["Example"]));
        foreach (var ou in new[] { "People", "Groups", "Policies" })
            Add($"ou={ou},{BaseDn}", ("objectClass", ["organizationalUnit"]), ("ou", [ou]));
        // Without a default policy entry ppolicy ignores pwdAccountLockedTime, and a disabled account could still bind.
        Add($"cn=default,ou=Policies,{BaseDn}", ("objectClass", ["applicationProcess", "pwdPolicy"]), ("cn", ["default"]),
            ("pwdAttribute", ["userPassword"]));
        foreach (var (uid, name, _, disabled) in People)
        {
            var attributes = new List<(string, string[])>
            {
                ("objectClass", ["inetOrgPerson", "adLiteUser"]),
                ("uid", [uid]),
                ("cn", [name]),
                ("sn", [name.Split(' ')[1]]),
                ("displayName", [name]),
                ("sAMAccountName", [uid]),
                ("userAccountControl", [disabled ? "514" : "512"]),
                ("userPassword", [PasswordOf(uid)]),
            };
            if (disabled) attributes.Add(("pwdAccountLockedTime", ["000001010000Z"]));
            Add(DnOf(uid), [.. attributes]);
        }
        foreach (var group in new[] { AdminsDn, StaffDn })
            Add(group, ("objectClass", ["groupOfNames"]), ("cn", [group[3..group.IndexOf(',')]]),
                ("member", [.. People.Where(p => p.Group == group).Select(p => DnOf(p.Uid))]));
    }

    private static void WriteConfig(string root, string adminPassword)
    {
        Directory.CreateDirectory(Path.Combine(root, "db"));
        File.WriteAllText(Path.Combine(root, "ad-lite.schema"), """
            attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
            attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
            objectclass ( 1.3.6.1.4.1.99999.1.1 NAME 'adLiteUser' SUP top AUXILIARY MAY ( userAccountControl $ sAMAccountName ) )

            """);
        File.WriteAllText(Path.Combine(root, "slapd.conf"), $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include /etc/ldap/schema/nis.schema
            include {root}/ad-lite.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            moduleload memberof
            moduleload ppolicy
            pidfile {root}/slapd.pid
            argsfile {root}/slapd.args
            TLSCertificateFile {root}/tls/cert.pem
            TLSCertificateKeyFile {root}/tls/key.pem
            TLSCACertificateFile {root}/ca/ca.pem
            database config
            rootdn "cn=admin,cn=config"
            database mdb
            maxsize 104857600
            suffix "{BaseDn}"
            rootdn "{AdminDn}"
            rootpw {adminPassword}
            directory {root}/db
            index objectClass eq
            index uid,cn,sAMAccountName eq
            overlay memberof
            overlay ppolicy
            ppolicy_default "cn=default,ou=Policies,{BaseDn}"
            access to attrs=userPassword by self write by anonymous auth by * none
            access to * by * read

            """);
    }

    /// <summary>A CA and a server certificate for 127.0.0.1 and localhost, as an operator's internal CA would issue them.</summary>
    private static void WriteTls(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "ca"));
        Directory.CreateDirectory(Path.Combine(root, "tls"));
        TestPki.Write(Path.Combine(root, "ca", "ca.pem"), Path.Combine(root, "tls", "cert.pem"), Path.Combine(root, "tls", "key.pem"),
            validDays: 2, caName: "Custos Directory Test CA");
    }
}
