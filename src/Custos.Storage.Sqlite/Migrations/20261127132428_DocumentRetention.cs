using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Custos.Storage.Sqlite.Migrations
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
                type: "TEXT",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));
            // Documents stored before dates existed count from their upload day.
            migrationBuilder.Sql("UPDATE documents SET document_date = date(created_at / 1000000, 'unixepoch');");


            migrationBuilder.AddColumn<DateOnly>(
                name: "retain_until",
                table: "documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "retention_class_id",
                table: "documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "review_due",
                table: "documents",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "retention_class_id",
                table: "document_folders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "legal_holds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    document_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    folder_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    released_at = table.Column<long>(type: "INTEGER", nullable: true),
                    released_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_legal_holds", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "retention_classes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    years = table.Column<int>(type: "INTEGER", nullable: false),
                    action = table.Column<int>(type: "INTEGER", nullable: false),
                    keep_versions = table.Column<bool>(type: "INTEGER", nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
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
