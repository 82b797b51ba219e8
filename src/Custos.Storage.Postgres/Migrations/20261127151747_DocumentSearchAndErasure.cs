using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DocumentSearchAndErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "indexed_version",
                table: "documents",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "restricted_to",
                table: "documents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "restriction_id",
                table: "documents",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "document_search_rows",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_search_rows", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "document_tags",
                columns: table => new
                {
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tag = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_tags", x => new { x.document_id, x.tag });
                    table.ForeignKey(
                        name: "fk_document_tags_documents_document_id",
                        column: x => x.document_id,
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "erasure_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    query = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    restricted_to = table.Column<Guid>(type: "uuid", nullable: true),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erasure_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "erasure_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    outcome = table.Column<int>(type: "integer", nullable: false),
                    detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    restricted_until = table.Column<DateOnly>(type: "date", nullable: true),
                    sha256 = table.Column<string>(type: "text", nullable: true),
                    decided_at = table.Column<long>(type: "bigint", nullable: false),
                    erased_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erasure_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_erasure_items_erasure_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "erasure_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_documents_indexed_version_current_version",
                table: "documents",
                columns: new[] { "indexed_version", "current_version" });

            migrationBuilder.CreateIndex(
                name: "ix_documents_restriction_id",
                table: "documents",
                column: "restriction_id");

            migrationBuilder.CreateIndex(
                name: "ix_document_search_rows_document_id",
                table: "document_search_rows",
                column: "document_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_document_search_rows_tenant_id",
                table: "document_search_rows",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ix_document_tags_tenant_id_tag",
                table: "document_tags",
                columns: new[] { "tenant_id", "tag" });

            migrationBuilder.CreateIndex(
                name: "ix_erasure_items_document_id",
                table: "erasure_items",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_erasure_items_request_id",
                table: "erasure_items",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "ix_erasure_requests_tenant_id_created_at",
                table: "erasure_requests",
                columns: new[] { "tenant_id", "created_at" });
            foreach (var sql in Custos.Core.Documents.DocumentSearchIndex.PostgresCreate()) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "document_search_rows");

            migrationBuilder.DropTable(
                name: "document_tags");

            migrationBuilder.DropTable(
                name: "erasure_items");

            migrationBuilder.DropTable(
                name: "erasure_requests");

            migrationBuilder.DropIndex(
                name: "ix_documents_indexed_version_current_version",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_documents_restriction_id",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "indexed_version",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "restricted_to",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "restriction_id",
                table: "documents");
        }
    }
}
