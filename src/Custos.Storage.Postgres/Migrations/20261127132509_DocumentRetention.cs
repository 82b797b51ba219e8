using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DocumentRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "document_date",
                table: "documents",
                type: "date",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));
            // Documents stored before dates existed count from their upload day.
            migrationBuilder.Sql("UPDATE documents SET document_date = (to_timestamp(created_at / 1000000.0) AT TIME ZONE 'UTC')::date;");


            migrationBuilder.AddColumn<DateOnly>(
                name: "retain_until",
                table: "documents",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "retention_class_id",
                table: "documents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "review_due",
                table: "documents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "retention_class_id",
                table: "document_folders",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "legal_holds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: true),
                    folder_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    released_at = table.Column<long>(type: "bigint", nullable: true),
                    released_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_legal_holds", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "retention_classes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    years = table.Column<int>(type: "integer", nullable: false),
                    action = table.Column<int>(type: "integer", nullable: false),
                    keep_versions = table.Column<bool>(type: "boolean", nullable: false),
                    description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_retention_classes", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "retention_classes",
                columns: new[] { "id", "action", "created_at", "created_by", "description", "keep_versions", "name", "years" },
                values: new object[,]
                {
                    { new Guid("0191d2a0-0000-7000-8000-000000000006"), 1, 1795737600000000L, "system", "Commercial and business letters received and sent (§ 147 (1) nos. 2, 3 AO)", true, "GoBD 6 years", 6 },
                    { new Guid("0191d2a0-0000-7000-8000-000000000008"), 1, 1795737600000000L, "system", "Accounting vouchers, invoices (§ 147 (1) no. 4 AO since 2025)", true, "GoBD 8 years", 8 },
                    { new Guid("0191d2a0-0000-7000-8000-000000000010"), 1, 1795737600000000L, "system", "Books, inventories, annual financial statements (§ 147 (1) no. 1 AO, § 257 HGB)", true, "GoBD 10 years", 10 }
                });

            migrationBuilder.CreateIndex(
                name: "ix_documents_retain_until",
                table: "documents",
                column: "retain_until");

            migrationBuilder.CreateIndex(
                name: "ix_documents_retention_class_id",
                table: "documents",
                column: "retention_class_id");

            migrationBuilder.CreateIndex(
                name: "ix_document_folders_retention_class_id",
                table: "document_folders",
                column: "retention_class_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_holds_document_id",
                table: "legal_holds",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_holds_folder_id",
                table: "legal_holds",
                column: "folder_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_holds_tenant_id_released_at",
                table: "legal_holds",
                columns: new[] { "tenant_id", "released_at" });

            migrationBuilder.CreateIndex(
                name: "ix_retention_classes_name",
                table: "retention_classes",
                column: "name",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_document_folders_retention_classes_retention_class_id",
                table: "document_folders",
                column: "retention_class_id",
                principalTable: "retention_classes",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_documents_retention_classes_retention_class_id",
                table: "documents",
                column: "retention_class_id",
                principalTable: "retention_classes",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_document_folders_retention_classes_retention_class_id",
                table: "document_folders");

            migrationBuilder.DropForeignKey(
                name: "fk_documents_retention_classes_retention_class_id",
                table: "documents");

            migrationBuilder.DropTable(
                name: "legal_holds");

            migrationBuilder.DropTable(
                name: "retention_classes");

            migrationBuilder.DropIndex(
                name: "ix_documents_retain_until",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_documents_retention_class_id",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_document_folders_retention_class_id",
                table: "document_folders");

            migrationBuilder.DropColumn(
                name: "document_date",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "retain_until",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "retention_class_id",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "review_due",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "retention_class_id",
                table: "document_folders");
        }
    }
}
