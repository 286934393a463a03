"""The check-in code: a URL for staff, signed, that opens one registrant's check-in card.

The registrant carries it as a QR code (in their confirmation email and on their own page);
staff open it with a phone's camera. It holds no personal data: only the registration's random
public id, signed with a salt used for nothing else, so it cannot stand in for the cancel link
(which signs the same id with another salt) and a changed or made-up code is refused. It opens
nothing by itself: the card is for logged-in staff with the right to change registrations.

This module renders and reads codes only (emails and views import it; it imports models only).
"""

import base64
import binascii
import hashlib
import io
import uuid
from email.mime.image import MIMEImage

import segno
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from core.cache import cache_call_or

CHECKIN_SALT = "events.checkin"
# The Content-ID of the QR code image in an email (<img src="cid:…">).
QR_CONTENT_ID = "checkin-qr@ccc"


def _signer():
    return signing.Signer(salt=CHECKIN_SALT)


def checkin_token(registration):
    """The registration's public id (22 characters, base64) and its signature: short, so the QR
    code stays small enough for an old phone's camera."""
    compact = base64.urlsafe_b64encode(registration.public_id.bytes).rstrip(b"=").decode()
    return _signer().sign(compact)


def public_id_from_checkin_token(token):
    """The public id in a check-in token, or None when we did not sign it for check-in."""
    try:
        compact = _signer().unsign(token)
        return uuid.UUID(bytes=base64.urlsafe_b64decode(compact + "=="))
    except (signing.BadSignature, binascii.Error, ValueError, TypeError):
        return None


def checkin_url(registration):
    """The absolute URL staff open from the QR code (in the site's first language: staff at the
    door switch language on the page if they wish)."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("checkin:card", kwargs={"token": checkin_token(registration)})
    return settings.SITE_URL + path


# Every code is drawn with one mask pattern, the one segno picks most often for these URLs (76
# of 200 random tokens). Any of the eight is valid and every reader reads them all; trying all
# eight to score them cost 14 of the 18 ms of drawing a code (issue 18: it was most of a
# confirmed registrant's first page).
CHECKIN_QR_MASK = 2


def checkin_qr(url):
    return segno.make(url, error="m", mask=CHECKIN_QR_MASK)


def _qr(registration):
    return checkin_qr(checkin_url(registration))


# A registrant opens their page again and again; the code never changes for one URL and title.
QR_CACHE_SECONDS = 7 * 24 * 3600


def checkin_qr_svg(registration, title=""):
    """The QR code as inline SVG for a page, scaled by CSS (no fixed size). Drawing one costs
    a few milliseconds of pure Python, so the markup is kept in the shared cache, keyed on what
    it shows: the URL (site, signing key and registration) and the title (the page's
    language)."""
    url = checkin_url(registration)
    key = "checkin-qr:" + hashlib.sha256(f"{url}\n{title}".encode()).hexdigest()
    svg = cache_call_or(None, "get", key)
    if svg is None:
        svg = checkin_qr(url).svg_inline(
            scale=1, border=4, omitsize=True, light="#fff", title=title or None
        )
        # segno's own markup (it escapes the title); role="img" makes the title its name.
        svg = svg.replace("<svg ", '<svg role="img" ', 1)
        cache_call_or(None, "set", key, svg, QR_CACHE_SECONDS)
    return mark_safe(svg)


def checkin_qr_png(registration):
    buffer = io.BytesIO()
    _qr(registration).save(buffer, kind="png", scale=5, border=4)
    return buffer.getvalue()


class EmailWithInlineImages(EmailMultiAlternatives):
    """An email whose HTML shows images carried in the message itself (cid: links), which mail
    apps show where they block data: URIs and remote images.

    MIME: mixed [ related [ alternative [ text, html ], images… ], attachments… ].
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inline_images = []

    def attach_inline_image(self, content, subtype, content_id):
        image = MIMEImage(content, _subtype=subtype)
        image.add_header("Content-ID", f"<{content_id}>")
        image.add_header("Content-Disposition", "inline")
        self.inline_images.append(image)

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if not self.inline_images:
            return msg
        related = SafeMIMEMultipart(
            _subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET
        )
        related.attach(msg)
        for image in self.inline_images:
            related.attach(image)
        return related


def attach_checkin_qr(message, registration):
    """Carry the registration's QR code in `message` (an EmailWithInlineImages); the HTML
    shows it with <img src="cid:{QR_CONTENT_ID}">."""
    message.attach_inline_image(checkin_qr_png(registration), "png", QR_CONTENT_ID)
