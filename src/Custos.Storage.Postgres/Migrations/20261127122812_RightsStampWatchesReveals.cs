using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RightsStampWatchesReveals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The watched columns grew (what a reveal reads, now cached): every trigger again, as RightsStampTriggers lists them.
            foreach (var sql in Custos.Core.Data.RightsStampTriggers.PostgresUp()) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The earlier column lists are gone with the code; the triggers stay as they are (they only watch more).
        }
    }
}
