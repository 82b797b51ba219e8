using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SessionApprovals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "kind",
                table: "vault_access_requests",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "kind",
                table: "vault_access_requests");
        }
    }
}
