"""Telegram's webhook: updates POSTed by Telegram, checked by the secret token header."""

import json
import logging

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import telegram

from .telegram_bot import telegram_handle_update

logger = logging.getLogger(__name__)

SECRET_HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"


@csrf_exempt  # Telegram cannot send a CSRF token; the secret header stands for it.
@require_POST
def telegram_webhook(request):
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if not telegram.bot_configured() or not secret:
        return HttpResponseForbidden()
    if not constant_time_compare(request.META.get(SECRET_HEADER, ""), secret):
        logger.warning("Telegram webhook called without the right secret")
        return HttpResponseForbidden()
    try:
        update = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest()
    outcome = telegram_handle_update(update)
    # Always 200 once the update is ours: Telegram would otherwise send it again and again.
    return JsonResponse({"ok": True, "outcome": outcome})
