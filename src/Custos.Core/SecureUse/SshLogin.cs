using System.Text;
using Custos.Core.Common;
using Custos.Core.Vault;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Custos.Core.SecureUse;

/// <summary>The entry's credential as an SSH authentication method: its private key if it has one, else its password.</summary>
internal sealed class SshLogin : IDisposable
{
    private readonly PrivateKeyFile? key;

    private SshLogin(AuthenticationMethod method, PrivateKeyFile? key)
    {
        Method = method;
        this.key = key;
    }

    public AuthenticationMethod Method { get; }

    public static Result<SshLogin> From(SshTarget target, SecretBundle bundle)
    {
        if (bundle.Fields.GetValueOrDefault(SshTarget.PrivateKeyField) is { Length: > 0 } pem)
        {
            try
            {
                var passphrase = bundle.Fields.GetValueOrDefault(SshTarget.PassphraseField);
                var file = new PrivateKeyFile(new MemoryStream(Encoding.UTF8.GetBytes(pem)), string.IsNullOrEmpty(passphrase) ? null : passphrase);
                return new SshLogin(new PrivateKeyAuthenticationMethod(target.UserName, file), file);
            }
            catch (Exception e) when (e is SshException or SshPassPhraseNullOrEmptyException or InvalidOperationException or ArgumentException or FormatException
                                          or NotSupportedException)
            {
                return SshErrors.BadKey;
            }
        }
        if (bundle.Password is { Length: > 0 } password) return new SshLogin(new PasswordAuthenticationMethod(target.UserName, password), null);
        return SshErrors.NoCredential;
    }

    public void Dispose()
    {
        (Method as IDisposable)?.Dispose();
        key?.Dispose();
    }
}
