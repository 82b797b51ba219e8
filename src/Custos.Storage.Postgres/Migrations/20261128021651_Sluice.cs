using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Sluice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "quarantine_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    target = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    target_id = table.Column<Guid>(type: "uuid", nullable: false),
                    file_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    declared_media_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    comment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<byte[]>(type: "bytea", nullable: false),
                    blob_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    wrapped_key = table.Column<byte[]>(type: "bytea", nullable: true),
                    uploaded_by = table.Column<Guid>(type: "uuid", nullable: false),
                    uploaded_by_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    uploader_actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    uploaded_at = table.Column<long>(type: "bigint", nullable: false),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    waiting = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<long>(type: "bigint", nullable: true),
                    leased_until = table.Column<long>(type: "bigint", nullable: true),
                    detected_kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    engine = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    checks = table.Column<string>(type: "text", nullable: true),
                    reason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    checked_at = table.Column<long>(type: "bigint", nullable: true),
                    first_approver = table.Column<Guid>(type: "uuid", nullable: true),
                    first_approver_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    first_approved_at = table.Column<long>(type: "bigint", nullable: true),
                    decided_by = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    decided_at = table.Column<long>(type: "bigint", nullable: true),
                    decision_note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    document_id = table.Column<Guid>(type: "uuid", nullable: true),
                    released = table.Column<string>(type: "text", nullable: true),
                    purge_after = table.Column<long>(type: "bigint", nullable: true),
                    row_version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quarantine_items", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sluice_policies",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    allowed_kinds = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    release = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    keep_original_days = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sluice_policies", x => x.tenant_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_quarantine_items_blob_address",
                table: "quarantine_items",
                column: "blob_address");

            migrationBuilder.CreateIndex(
                name: "ix_quarantine_items_document_id",
                table: "quarantine_items",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_quarantine_items_purge_after",
                table: "quarantine_items",
                column: "purge_after");

            migrationBuilder.CreateIndex(
                name: "ix_quarantine_items_state_next_attempt_at",
                table: "quarantine_items",
                columns: new[] { "state", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_quarantine_items_tenant_id_state_uploaded_at",
                table: "quarantine_items",
                columns: new[] { "tenant_id", "state", "uploaded_at" });

            migrationBuilder.CreateIndex(
                name: "ix_quarantine_items_uploaded_by_uploaded_at",
                table: "quarantine_items",
                columns: new[] { "uploaded_by", "uploaded_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "quarantine_items");

            migrationBuilder.DropTable(
                name: "sluice_policies");
        }
    }
}
