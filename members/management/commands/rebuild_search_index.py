from django.core.management.base import BaseCommand

from members.services import organisations_reindex


class Command(BaseCommand):
    help = "Rebuild the member directory's search index (after bulk imports or a new segmenter)."

    def handle(self, *args, **options):
        written = organisations_reindex()
        self.stdout.write(f"{written} search index entries written.")
