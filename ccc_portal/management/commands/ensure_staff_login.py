import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from ccc_portal.permissions import CCC_STAFF


class Command(BaseCommand):
    help = (
        "Make sure a staff login exists for local development and print it. The password is "
        "generated once and kept in var/staff-login.txt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        password_file = settings.VAR_DIR / "staff-login.txt"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None or not password_file.exists():
            password = secrets.token_urlsafe(12)
            user = user or User(username=username, email=f"{username}@localhost")
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
        user.groups.add(Group.objects.get(name=CCC_STAFF))
        password = password_file.read_text(encoding="utf-8").strip()
        self.stdout.write(
            self.style.SUCCESS(
                f"Staff login: {username} / {password}  at {settings.SITE_URL}/km/admin/"
            )
        )
