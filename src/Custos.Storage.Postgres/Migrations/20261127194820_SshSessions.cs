using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SshSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ssh_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    target = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    started_at = table.Column<long>(type: "bigint", nullable: false),
                    ended_at = table.Column<long>(type: "bigint", nullable: false),
                    end_reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    bytes_out = table.Column<long>(type: "bigint", nullable: false),
                    bytes_in = table.Column<long>(type: "bigint", nullable: false),
                    recording_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    recording_key = table.Column<byte[]>(type: "bytea", nullable: true),
                    recording_sha256 = table.Column<byte[]>(type: "bytea", nullable: true),
                    recording_size = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ssh_sessions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ssh_sessions_recording_address",
                table: "ssh_sessions",
                column: "recording_address");

            migrationBuilder.CreateIndex(
                name: "ix_ssh_sessions_tenant_id_entry_id_started_at",
                table: "ssh_sessions",
                columns: new[] { "tenant_id", "entry_id", "started_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ssh_sessions");
        }
    }
}
