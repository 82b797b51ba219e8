using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RightsStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "rights_stamps",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rights_stamps", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "rights_stamps",
                columns: new[] { "id", "value" },
                values: new object[] { 1, 0L });

            foreach (var sql in Custos.Core.Data.RightsStampTriggers.PostgresUp()) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in Custos.Core.Data.RightsStampTriggers.PostgresDown()) migrationBuilder.Sql(sql);
            migrationBuilder.DropTable(
                name: "rights_stamps");
        }
    }
}
