from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one archive of the database and both media folders (MEDIA_ROOT and "
        "PRIVATE_MEDIA_ROOT), with a manifest of row counts and file checksums, into "
        "var/backups/ or --output-dir. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(settings.VAR_DIR / "backups"),
            help="Folder for the archive (default: var/backups/).",
        )

    def handle(self, *args, output_dir, **options):
        try:
            result = backup_create(output_dir=output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written: %(path)s (%(size)s bytes, %(tables)s tables, %(rows)s "
                    "rows, %(files)s files, %(seconds).1f s)."
                )
                % {
                    "path": result.path,
                    "size": result.size,
                    "tables": len(manifest["tables"]),
                    "rows": rows,
                    "files": len(manifest["files"]) - 1,
                    "seconds": result.seconds,
                }
            )
        )
