from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.services import focal_persons_with_email, sign_in_link


class Command(BaseCommand):
    help = (
        "Print a one-time sign-in link for a focal person (for development, or to help someone "
        "whose email does not arrive). It works once, for SESAME_MAX_AGE."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The focal person's email address.")
        parser.add_argument("--language", default="km", choices=["km", "en"])

    def handle(self, *args, email, language="km", **options):
        focal_person = focal_persons_with_email(email).select_related("contact").first()
        if focal_person is None:
            raise CommandError(f"No active focal person signs in with {email}.")
        with translation.override(language):
            link = sign_in_link(focal_person=focal_person)
        self.stdout.write(
            self.style.SUCCESS(f"Sign-in link for {focal_person} (once, 15 minutes): {link}")
        )
