"""Who an email is from, as its reader sees it: the address of DEFAULT_FROM_EMAIL under a
display name in the reader's language ("គ.ស.ក <no-reply@…>" / "CCC <no-reply@…>").

Call it with the recipient's language active (inside translation.override).
"""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.utils.translation import gettext


def sender():
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((gettext("CCC"), address))
