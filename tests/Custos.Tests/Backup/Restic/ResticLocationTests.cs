using Custos.Core.Backup.Restic;

namespace Custos.Tests.Backup.Restic;

/// <summary>The redacted repository string that every message and log line uses.</summary>
public sealed class ResticLocationTests
{
    [Theory]
    [InlineData("/srv/backup/custos", "/srv/backup/custos")]
    [InlineData("sftp:backup@nas.example:/srv/custos", "sftp:backup@nas.example:/srv/custos")]
    [InlineData("sftp:backup:hunter2@nas.example:/srv/custos", "sftp:nas.example:/srv/custos")]
    [InlineData("sftp://backup:hunter2@nas.example:2222//srv/custos", "sftp://nas.example:2222//srv/custos")]
    [InlineData("rest:https://custos:hunter2@backup.example:8000/custos/", "rest:https://backup.example:8000/custos/")]
    [InlineData("rest:https://custos:p@ss:word@backup.example/", "rest:https://backup.example/")]
    [InlineData("rest:https://backup.example/custos/", "rest:https://backup.example/custos/")]
    [InlineData("s3:https://s3.example.com/bucket/custos", "s3:https://s3.example.com/bucket/custos")]
    public void Redacted_DropsUserAndPassword_KeepsEverythingElse(string repository, string redacted)
    {
        var location = new ResticLocation(repository, [], new Dictionary<string, string> { ["AWS_SECRET_ACCESS_KEY"] = "hunter2" });

        Assert.Equal(redacted, location.Redacted);
        Assert.DoesNotContain("hunter2", location.ToString());
        Assert.Equal(redacted, (location with { Repository = repository }).Redacted);
    }
}
