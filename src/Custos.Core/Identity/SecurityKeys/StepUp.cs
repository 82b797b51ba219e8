namespace Custos.Core.Identity.SecurityKeys;

/// <summary>TOM 6.4: sensitive tenants need a security-key proof from this session within the last few minutes.</summary>
public static class StepUp
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public static bool IsFresh(SessionPrincipal session, TimeProvider time) =>
        session.SteppedUpAt is { } at && time.GetUtcNow() - at < Window;
}
