using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class VaultNoticeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_vault_notifications_user_id_entry_id_kind_text",
                table: "vault_notifications",
                columns: new[] { "user_id", "entry_id", "kind", "text" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_vault_notifications_user_id_entry_id_kind_text",
                table: "vault_notifications");
        }
    }
}
