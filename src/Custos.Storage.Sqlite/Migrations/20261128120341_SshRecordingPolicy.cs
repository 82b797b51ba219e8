using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Custos.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SshRecordingPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "input_recorded",
                table: "ssh_sessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "recording_expired_at",
                table: "ssh_sessions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "retain_until",
                table: "ssh_sessions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_ssh_sessions_retain_until",
                table: "ssh_sessions",
                column: "retain_until");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ssh_sessions_retain_until",
                table: "ssh_sessions");

            migrationBuilder.DropColumn(
                name: "input_recorded",
                table: "ssh_sessions");

            migrationBuilder.DropColumn(
                name: "recording_expired_at",
                table: "ssh_sessions");

            migrationBuilder.DropColumn(
                name: "retain_until",
                table: "ssh_sessions");
        }
    }
}
