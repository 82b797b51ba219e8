using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Sharing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "share_links",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    recipient = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    message = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_by_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    expires_at = table.Column<long>(type: "bigint", nullable: false),
                    expiry_ceiling = table.Column<long>(type: "bigint", nullable: false),
                    password_hash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    handover = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    handover_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    handover_at = table.Column<long>(type: "bigint", nullable: true),
                    download_limit = table.Column<int>(type: "integer", nullable: true),
                    downloads = table.Column<int>(type: "integer", nullable: false),
                    failed_passwords = table.Column<int>(type: "integer", nullable: false),
                    locked_at = table.Column<long>(type: "bigint", nullable: true),
                    revoked_at = table.Column<long>(type: "bigint", nullable: true),
                    revoked_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    sensitive = table.Column<bool>(type: "boolean", nullable: false),
                    notify_on_first_download = table.Column<bool>(type: "boolean", nullable: false),
                    first_download_at = table.Column<long>(type: "bigint", nullable: true),
                    folder_id = table.Column<Guid>(type: "uuid", nullable: true),
                    max_files = table.Column<int>(type: "integer", nullable: true),
                    max_bytes = table.Column<long>(type: "bigint", nullable: true),
                    uploaded_files = table.Column<int>(type: "integer", nullable: false),
                    uploaded_bytes = table.Column<long>(type: "bigint", nullable: false),
                    ended_at = table.Column<long>(type: "bigint", nullable: true),
                    end_reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_share_links", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "share_policies",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    password_required = table.Column<bool>(type: "boolean", nullable: false),
                    default_expiry_days = table.Column<int>(type: "integer", nullable: false),
                    max_expiry_days = table.Column<int>(type: "integer", nullable: false),
                    upload_requests_allowed = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_share_policies", x => x.tenant_id);
                });

            migrationBuilder.CreateTable(
                name: "share_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    share_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    visitor = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    client_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    user_agent = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    item_id = table.Column<Guid>(type: "uuid", nullable: true),
                    name = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    bytes = table.Column<long>(type: "bigint", nullable: false),
                    range_start = table.Column<long>(type: "bigint", nullable: true),
                    completed = table.Column<bool>(type: "boolean", nullable: true),
                    counted = table.Column<bool>(type: "boolean", nullable: false),
                    finished_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_share_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_share_events_share_links_share_id",
                        column: x => x.share_id,
                        principalTable: "share_links",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "share_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    share_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: true),
                    version_number = table.Column<int>(type: "integer", nullable: true),
                    name = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    media_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    sha256 = table.Column<byte[]>(type: "bytea", nullable: false),
                    blob_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    wrapped_key = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_share_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_share_items_share_links_share_id",
                        column: x => x.share_id,
                        principalTable: "share_links",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_share_events_share_id_at",
                table: "share_events",
                columns: new[] { "share_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_share_events_share_id_visitor_item_id",
                table: "share_events",
                columns: new[] { "share_id", "visitor", "item_id" });

            migrationBuilder.CreateIndex(
                name: "ix_share_items_blob_address",
                table: "share_items",
                column: "blob_address");

            migrationBuilder.CreateIndex(
                name: "ix_share_items_document_id",
                table: "share_items",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_share_items_share_id",
                table: "share_items",
                column: "share_id");

            migrationBuilder.CreateIndex(
                name: "ix_share_links_created_by_created_at",
                table: "share_links",
                columns: new[] { "created_by", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_share_links_ended_at_expires_at",
                table: "share_links",
                columns: new[] { "ended_at", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_share_links_tenant_id_created_at",
                table: "share_links",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_share_links_token_hash",
                table: "share_links",
                column: "token_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "share_events");

            migrationBuilder.DropTable(
                name: "share_items");

            migrationBuilder.DropTable(
                name: "share_policies");

            migrationBuilder.DropTable(
                name: "share_links");
        }
    }
}
