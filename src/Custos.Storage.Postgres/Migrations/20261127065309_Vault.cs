using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Vault : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "vault_folders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    inherit_rights = table.Column<bool>(type: "boolean", nullable: false),
                    is_sensitive = table.Column<bool>(type: "boolean", nullable: false),
                    policy = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vault_folders", x => x.id);
                    table.ForeignKey(
                        name: "fk_vault_folders_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_vault_folders_vault_folders_parent_id",
                        column: x => x.parent_id,
                        principalTable: "vault_folders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "vault_notifications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    read_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vault_notifications", x => x.id);
                    table.ForeignKey(
                        name: "fk_vault_notifications_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "vault_reveals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    field = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    entry_version = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    client_address = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    client = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vault_reveals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "vault_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    folder_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    user_name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    urls = table.Column<string>(type: "text", nullable: false),
                    tags = table.Column<string>(type: "text", nullable: false),
                    text_fields = table.Column<string>(type: "text", nullable: false),
                    secrets = table.Column<byte[]>(type: "bytea", nullable: false),
                    secret_names = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    password_fingerprint = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    expires_at = table.Column<long>(type: "bigint", nullable: true),
                    service_limitation = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    password_generated = table.Column<bool>(type: "boolean", nullable: false),
                    password_strength = table.Column<int>(type: "integer", nullable: true),
                    rotate_after_reveal = table.Column<bool>(type: "boolean", nullable: false),
                    rotation_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    inherit_rights = table.Column<bool>(type: "boolean", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    modified_at = table.Column<long>(type: "bigint", nullable: false),
                    modified_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    password_changed_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vault_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_vault_entries_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_vault_entries_vault_folders_folder_id",
                        column: x => x.folder_id,
                        principalTable: "vault_folders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "vault_access_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    hours = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    requested_at = table.Column<long>(type: "bigint", nullable: false),
                    decided_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    decided_at = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vault_access_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_vault_access_requests_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_vault_access_requests_vault_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "vault_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "vault_attachments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vault_attachments", x => x.id);
                    table.ForeignKey(
                        name: "fk_vault_attachments_vault_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "vault_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "vault_entry_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    snapshot = table.Column<string>(type: "text", nullable: false),
                    secrets = table.Column<byte[]>(type: "bytea", nullable: false),
                    valid_from = table.Column<long>(type: "bigint", nullable: false),
                    written_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    replaced_at = table.Column<long>(type: "bigint", nullable: false),
                    replaced_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vault_entry_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_vault_entry_versions_vault_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "vault_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "vault_grants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    folder_id = table.Column<Guid>(type: "uuid", nullable: true),
                    entry_id = table.Column<Guid>(type: "uuid", nullable: true),
                    group_id = table.Column<Guid>(type: "uuid", nullable: true),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    rights = table.Column<int>(type: "integer", nullable: false),
                    not_before = table.Column<long>(type: "bigint", nullable: true),
                    not_after = table.Column<long>(type: "bigint", nullable: true),
                    granted_at = table.Column<long>(type: "bigint", nullable: false),
                    granted_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    access_request_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vault_grants", x => x.id);
                    table.ForeignKey(
                        name: "fk_vault_grants_groups_group_id",
                        column: x => x.group_id,
                        principalTable: "groups",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_vault_grants_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_vault_grants_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_vault_grants_vault_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "vault_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_vault_grants_vault_folders_folder_id",
                        column: x => x.folder_id,
                        principalTable: "vault_folders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_vault_access_requests_entry_id",
                table: "vault_access_requests",
                column: "entry_id");

            migrationBuilder.CreateIndex(
                name: "ix_vault_access_requests_tenant_id_status",
                table: "vault_access_requests",
                columns: new[] { "tenant_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_vault_access_requests_user_id",
                table: "vault_access_requests",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_vault_attachments_entry_id",
                table: "vault_attachments",
                column: "entry_id");

            migrationBuilder.CreateIndex(
                name: "ix_vault_entries_folder_id",
                table: "vault_entries",
                column: "folder_id");

            migrationBuilder.CreateIndex(
                name: "ix_vault_entries_password_fingerprint",
                table: "vault_entries",
                column: "password_fingerprint");

            migrationBuilder.CreateIndex(
                name: "ix_vault_entries_tenant_id_expires_at",
                table: "vault_entries",
                columns: new[] { "tenant_id", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_vault_entries_tenant_id_folder_id",
                table: "vault_entries",
                columns: new[] { "tenant_id", "folder_id" });

            migrationBuilder.CreateIndex(
                name: "ix_vault_entry_versions_entry_id_version",
                table: "vault_entry_versions",
                columns: new[] { "entry_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_vault_folders_parent_id",
                table: "vault_folders",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ix_vault_folders_tenant_id_parent_id",
                table: "vault_folders",
                columns: new[] { "tenant_id", "parent_id" });

            migrationBuilder.CreateIndex(
                name: "ix_vault_grants_entry_id",
                table: "vault_grants",
                column: "entry_id");

            migrationBuilder.CreateIndex(
                name: "ix_vault_grants_folder_id",
                table: "vault_grants",
                column: "folder_id");

            migrationBuilder.CreateIndex(
                name: "ix_vault_grants_group_id",
                table: "vault_grants",
                column: "group_id");

            migrationBuilder.CreateIndex(
                name: "ix_vault_grants_tenant_id_folder_id",
                table: "vault_grants",
                columns: new[] { "tenant_id", "folder_id" });

            migrationBuilder.CreateIndex(
                name: "ix_vault_grants_user_id",
                table: "vault_grants",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_vault_notifications_user_id_read_at",
                table: "vault_notifications",
                columns: new[] { "user_id", "read_at" });

            migrationBuilder.CreateIndex(
                name: "ix_vault_reveals_entry_id_at",
                table: "vault_reveals",
                columns: new[] { "entry_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_vault_reveals_user_id_at",
                table: "vault_reveals",
                columns: new[] { "user_id", "at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "vault_access_requests");

            migrationBuilder.DropTable(
                name: "vault_attachments");

            migrationBuilder.DropTable(
                name: "vault_entry_versions");

            migrationBuilder.DropTable(
                name: "vault_grants");

            migrationBuilder.DropTable(
                name: "vault_notifications");

            migrationBuilder.DropTable(
                name: "vault_reveals");

            migrationBuilder.DropTable(
                name: "vault_entries");

            migrationBuilder.DropTable(
                name: "vault_folders");
        }
    }
}
