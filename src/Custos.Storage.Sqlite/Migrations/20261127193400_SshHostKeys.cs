using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SshHostKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ssh_host_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    entry_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    port = table.Column<int>(type: "INTEGER", nullable: false),
                    fingerprint = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    algorithm = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    first_seen_at = table.Column<long>(type: "INTEGER", nullable: false),
                    first_seen_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    confirmed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    confirmed_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    proposed_fingerprint = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    proposed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ssh_host_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ssh_host_keys_entry_id_host_port",
                table: "ssh_host_keys",
                columns: new[] { "entry_id", "host", "port" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ssh_host_keys_tenant_id",
                table: "ssh_host_keys",
                column: "tenant_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ssh_host_keys");
        }
    }
}
