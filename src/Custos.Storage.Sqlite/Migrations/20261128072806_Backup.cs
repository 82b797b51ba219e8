using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Sqlite.Migrations
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
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    target_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    target_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    raised_at = table.Column<long>(type: "INTEGER", nullable: false),
                    cleared_at = table.Column<long>(type: "INTEGER", nullable: true),
                    cleared_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backup_alarms", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "backup_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    target_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    target_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    trigger = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    scheduled_for = table.Column<long>(type: "INTEGER", nullable: true),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    snapshot_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    files = table.Column<long>(type: "INTEGER", nullable: false),
                    bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    added_bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    duration_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    report = table.Column<string>(type: "TEXT", nullable: true),
                    error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backup_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "backup_targets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    repository = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    options = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    secrets = table.Column<byte[]>(type: "BLOB", nullable: false),
                    schedule = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    keep_daily = table.Column<int>(type: "INTEGER", nullable: false),
                    keep_weekly = table.Column<int>(type: "INTEGER", nullable: false),
                    keep_monthly = table.Column<int>(type: "INTEGER", nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    next_subset = table.Column<int>(type: "INTEGER", nullable: false),
                    last_full_check_at = table.Column<long>(type: "INTEGER", nullable: true),
                    journal_stored_through = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    row_version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backup_targets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "erasure_journal",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    document_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    versions = table.Column<string>(type: "TEXT", nullable: false),
                    trigger = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    erased_at = table.Column<long>(type: "INTEGER", nullable: false)
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
