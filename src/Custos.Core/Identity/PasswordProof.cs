using Custos.Core.Ldap;

namespace Custos.Core.Identity;

/// <summary>
/// Checks a signed-in user's password again (idle unlock, changing a second factor). Directory users prove it to the
/// directory, exactly as at login: their local hash is unusable by design, and a user disabled there fails here too.
/// </summary>
public sealed class PasswordProof(PasswordHasher hasher, DirectoryAuthenticator directory, IdentityOptions options)
{
    public async Task<bool> VerifyAsync(User user, string? password, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(password) || password.Length > options.PasswordPolicy.MaximumLength) return false;
        return user.DirectoryDn is null
            ? hasher.Verify(password, user.PasswordHash) != PasswordCheck.Invalid
            : await directory.BindAsync(user.DirectoryDn, password, ct) == DirectoryBindResult.Accepted;
    }
}
