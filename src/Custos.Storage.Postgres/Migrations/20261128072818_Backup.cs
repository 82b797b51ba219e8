using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Backup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "backup_alarms",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    target_id = table.Column<Guid>(type: "uuid", nullable: true),
                    target_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    raised_at = table.Column<long>(type: "bigint", nullable: false),
                    cleared_at = table.Column<long>(type: "bigint", nullable: true),
                    cleared_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backup_alarms", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "backup_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    target_id = table.Column<Guid>(type: "uuid", nullable: false),
                    target_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    trigger = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    scheduled_for = table.Column<long>(type: "bigint", nullable: true),
                    started_at = table.Column<long>(type: "bigint", nullable: false),
                    finished_at = table.Column<long>(type: "bigint", nullable: true),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    snapshot_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    files = table.Column<long>(type: "bigint", nullable: false),
                    bytes = table.Column<long>(type: "bigint", nullable: false),
                    added_bytes = table.Column<long>(type: "bigint", nullable: false),
                    duration_ms = table.Column<long>(type: "bigint", nullable: false),
                    scope = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    report = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backup_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "backup_targets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    repository = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    options = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    secrets = table.Column<byte[]>(type: "bytea", nullable: false),
                    schedule = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    keep_daily = table.Column<int>(type: "integer", nullable: false),
                    keep_weekly = table.Column<int>(type: "integer", nullable: false),
                    keep_monthly = table.Column<int>(type: "integer", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    next_subset = table.Column<int>(type: "integer", nullable: false),
                    last_full_check_at = table.Column<long>(type: "bigint", nullable: true),
                    journal_stored_through = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    row_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backup_targets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "erasure_journal",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    versions = table.Column<string>(type: "text", nullable: false),
                    trigger = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    erased_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erasure_journal", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_backup_alarms_cleared_at_raised_at",
                table: "backup_alarms",
                columns: new[] { "cleared_at", "raised_at" });

            migrationBuilder.CreateIndex(
                name: "ix_backup_runs_started_at",
                table: "backup_runs",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_backup_runs_target_id_kind_started_at",
                table: "backup_runs",
                columns: new[] { "target_id", "kind", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_backup_targets_name",
                table: "backup_targets",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_erasure_journal_document_id",
                table: "erasure_journal",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_erasure_journal_erased_at",
                table: "erasure_journal",
                column: "erased_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "backup_alarms");

            migrationBuilder.DropTable(
                name: "backup_runs");

            migrationBuilder.DropTable(
                name: "backup_targets");

            migrationBuilder.DropTable(
                name: "erasure_journal");
        }
    }
}
