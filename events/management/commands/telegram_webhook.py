from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from core import telegram


class Command(BaseCommand):
    help = (
        "Tell Telegram where to send the bot's updates (set), stop it (delete), or show what "
        "Telegram knows (info). The URL is SITE_URL + /telegram/webhook/; the secret is "
        "TELEGRAM_WEBHOOK_SECRET."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["set", "delete", "info"])

    def handle(self, *args, action, **options):
        if not telegram.bot_configured():
            raise CommandError("TELEGRAM_BOT_TOKEN is not set.")
        try:
            if action == "set":
                if not settings.TELEGRAM_WEBHOOK_SECRET:
                    raise CommandError("TELEGRAM_WEBHOOK_SECRET is not set.")
                url = settings.SITE_URL + reverse("telegram-webhook")
                telegram.set_webhook(url, settings.TELEGRAM_WEBHOOK_SECRET)
                self.stdout.write(self.style.SUCCESS(f"Webhook set: {url}"))
            elif action == "delete":
                telegram.delete_webhook()
                self.stdout.write(self.style.SUCCESS("Webhook deleted."))
            else:
                info = telegram.get_webhook_info()
                for key in ("url", "pending_update_count", "last_error_message"):
                    self.stdout.write(f"{key}: {info.get(key, '')}")
        except telegram.TelegramError as error:
            raise CommandError(f"Telegram answered: {error}") from None
