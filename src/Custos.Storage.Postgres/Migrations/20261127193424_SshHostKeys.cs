using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    port = table.Column<int>(type: "integer", nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    algorithm = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    first_seen_at = table.Column<long>(type: "bigint", nullable: false),
                    first_seen_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    confirmed_at = table.Column<long>(type: "bigint", nullable: true),
                    confirmed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    proposed_fingerprint = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    proposed_at = table.Column<long>(type: "bigint", nullable: true)
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
