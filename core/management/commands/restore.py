from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupError, archive_check, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database and empty media "
        "folders. The whole archive is checked first; a damaged one, or a target that is not "
        "empty, is refused before anything is written. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar file written by `manage.py backup`.")
        parser.add_argument(
            "--database-url",
            default="",
            help="Restore into this database instead of the configured one (DATABASE_URL).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only read and check the archive (checksums, manifest); restore nothing.",
        )

    def handle(self, *args, archive, database_url, check, **options):
        try:
            if check:
                manifest = archive_check(archive)
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "%(archive)s is complete: %(vendor)s database of %(created)s, "
                            "%(tables)s tables, %(files)s files, every checksum matches."
                        )
                        % {
                            "archive": archive,
                            "vendor": manifest["database"]["vendor"],
                            "created": manifest["created_at"],
                            "tables": len(manifest["tables"]),
                            "files": len(manifest["files"]) - 1,
                        }
                    )
                )
                return
            result = backup_restore(archive=archive, database_url=database_url or None)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        if result.row_differences:
            lines = [
                f"  {table}: {expected} in the archive, {restored} restored"
                for table, (expected, restored) in result.row_differences.items()
            ]
            raise CommandError(
                _("Restored, but the row counts differ from the manifest:")
                + "\n"
                + "\n".join(lines)
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored %(archive)s of %(created)s: %(tables)s tables and %(rows)s rows "
                    "as in the manifest, %(files)s files with matching checksums "
                    "(%(seconds).1f s)."
                )
                % {
                    "archive": archive,
                    "created": manifest["created_at"],
                    "tables": len(manifest["tables"]),
                    "rows": sum(manifest["tables"].values()),
                    "files": len(manifest["files"]) - 1,
                    "seconds": result.seconds,
                }
            )
        )
        if result.migrations_missing_here:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The archive's database has migrations this code does not have "
                        "(%(names)s): run the version of the portal that made the backup."
                    )
                    % {"names": ", ".join(result.migrations_missing_here)}
                )
            )
        if result.migrations_to_apply:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(count)s migrations of this code are not applied yet: run "
                        "`manage.py migrate`."
                    )
                    % {"count": len(result.migrations_to_apply)}
                )
            )
