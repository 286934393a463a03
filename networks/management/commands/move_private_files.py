from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from networks.documents import documents_move_to_private


class Command(BaseCommand):
    help = (
        "Move signed MoU documents uploaded before they were private from MEDIA_ROOT to "
        "PRIVATE_MEDIA_ROOT under random names, checking each copy (SHA-256) before its row "
        "changes and the public file is deleted. Safe to run again. See docs/private-files.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list what would move; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        report = documents_move_to_private(dry_run=dry_run)
        for old, new in report.moved:
            self.stdout.write(f"{old} -> {new or '?'}")
        for old, new in report.unreferenced:
            note = new or _("deleted: an identical private copy exists")
            self.stdout.write(
                _("not named by any MoU: %(old)s -> %(new)s")
                % {"old": old, "new": note if not dry_run else "?"}
            )
        for name in report.missing:
            self.stderr.write(_("missing from both storages, row left as it is: %s") % name)
        summary = _(
            "%(moved)s documents moved, %(private)s already private, %(unreferenced)s "
            "unreferenced files handled, %(missing)s missing."
        ) % {
            "moved": len(report.moved),
            "private": report.already_private,
            "unreferenced": len(report.unreferenced),
            "missing": len(report.missing),
        }
        if dry_run:
            summary = _("Dry run, nothing changed: %s") % summary
        self.stdout.write(self.style.SUCCESS(summary))
        if report.failed:
            raise CommandError(
                _("These copies did not read back identical and were left in place: %s")
                % ", ".join(report.failed)
            )
