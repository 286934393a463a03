import time

from django.core.management.base import BaseCommand, CommandError

from core import telegram
from events.telegram_bot import telegram_handle_update


class Command(BaseCommand):
    help = (
        "For development without a public URL: fetch the bot's updates by long polling and act "
        "on them, as the webhook would (Telegram refuses while a webhook is set)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One fetch, then stop.")
        parser.add_argument("--wait", type=int, default=25, help="Long-poll seconds.")

    def handle(self, *args, once=False, wait=25, **options):
        if not telegram.bot_configured():
            raise CommandError("TELEGRAM_BOT_TOKEN is not set.")
        offset = None
        while True:
            try:
                updates = telegram.get_updates(offset, timeout=0 if once else wait)
            except telegram.TelegramRefused as error:
                raise CommandError(f"Telegram answered: {error}") from None
            except telegram.TelegramError as error:
                self.stderr.write(f"Telegram unreachable ({error}); trying again in 5 s")
                time.sleep(5)
                continue
            for update in updates:
                outcome = telegram_handle_update(update)
                self.stdout.write(f"update {update.get('update_id')}: {outcome}")
                offset = update["update_id"] + 1
            if once:
                if offset is not None:
                    telegram.get_updates(offset, timeout=0)  # confirm what was handled
                return
