"""Certificates of attendance as a PDF (fpdf2, with HarfBuzz shaping so that Khmer is written
correctly): one A4 landscape page per attendee, in Khmer and in English, with CCC's name, the
person's name, the event's title and date, and a verification code that a public page confirms.

This module renders and nothing else: who gets a certificate (registrations marked attended)
is the services' to say (events.certificates_services).

The verification code is derived from the registration's id with an HMAC (salt
"events.certificate"), so nothing is stored and the code never changes for a registration;
it is checked with SECRET_KEY and SECRET_KEY_FALLBACKS, so a rotated key keeps old
certificates valid while the old key stays in the fallbacks.
"""

import base64
import io
import re

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext, pgettext

from core.localization import format_date
from core.wordbreak import khmer_word_breaks

from .pdf import PortalPDF

CODE_SALT = "events.certificate"
# 12 base32 characters: 60 bits, far beyond guessing through a web page.
SIGNATURE_LENGTH = 12
CODE_PATTERN = re.compile(r"^(\d{1,12})-([A-Z2-7]{12})$")

PAGE_WIDTH, PAGE_HEIGHT = 297, 210  # mm, A4 landscape
PT = 25.4 / 72  # one point in mm
# Khmer stacks vowels and subscripts above and below the line: it needs far more room
# between lines than Latin script.
KHMER_LINE_HEIGHT = 1.9
LATIN_LINE_HEIGHT = 1.45
CONTENT_WIDTH = 225  # mm, centred
BODY_BOTTOM = 164  # mm: the verification block and the QR code are below

PRIMARY = (17, 75, 117)  # the portal's --ccc-primary
ACCENT = (184, 70, 27)  # the portal's --ccc-accent
GOLD = (176, 141, 60)
TEXT = (31, 31, 31)
MUTED = (90, 90, 90)

# --- The verification code --------------------------------------------------------------------


def _signature(pk, secret=None):
    digest = salted_hmac(CODE_SALT, str(pk), secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:SIGNATURE_LENGTH]


def certificate_code(registration) -> str:
    """The registration's verification code, such as "42-K7QX2M4PZAB3": its id and an HMAC
    of it, so the same registration always gets the same code and nobody can make one up."""
    return f"{registration.pk}-{_signature(registration.pk)}"


def registration_pk_from_code(code) -> int | None:
    """The registration id a code stands for, or None when the code was not made by us (any
    case and surrounding spaces accepted: people type codes from paper)."""
    match = CODE_PATTERN.match(str(code).strip().upper())
    if match is None:
        return None
    pk, signature = match.groups()
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        if constant_time_compare(signature, _signature(pk, secret)):
            return int(pk)
    return None


def verification_url(registration, language) -> str:
    """The public page that confirms the certificate, in `language`."""
    with translation.override(language):
        path = reverse("certificates:verify", kwargs={"code": certificate_code(registration)})
    return settings.SITE_URL + path


# --- Words in both languages ------------------------------------------------------------------


def is_khmer_text(text) -> bool:
    return any("\u1780" <= char <= "\u17ff" or "\u19e0" <= char <= "\u19ff" for char in text)


def _event_title(event, language):
    """The event's title in `language`, or in the other one where that one is empty."""
    own = getattr(event, f"title_{language}", "") or ""
    return own or event.title_km or event.title_en or event.title


def _event_dates(event, language):
    """When the event took place, as `language` writes it (Phnom Penh dates): "on 3 October
    2023", or "from 3 October 2023 to 5 October 2023" for an event over several days."""
    with translation.override(language):
        start = timezone.localtime(event.starts_at).date()
        end = timezone.localtime(event.ends_at).date()
        if start == end:
            return pgettext("certificate", "on %(date)s") % {"date": format_date(start, "date")}
        return pgettext("certificate", "from %(start)s to %(end)s") % {
            "start": format_date(start, "date"),
            "end": format_date(end, "date"),
        }


def certificate_texts(registration, language):
    """Every line of the certificate in one language (the page shows both)."""
    event = registration.event
    with translation.override(language):
        return {
            "organisation": gettext("%(name)s (%(short)s)")
            % {"name": gettext("Cooperation Committee for Cambodia"), "short": gettext("CCC")},
            "heading": gettext("Certificate of attendance"),
            "certify": gettext("This is to certify that"),
            "attended": pgettext("certificate: … that NAME attended EVENT", "attended"),
            "title": _event_title(event, language),
            "dates": _event_dates(event, language),
            "code_label": gettext("Verification code") + pgettext("label suffix", ":"),
            "check": gettext("Check this certificate at %(url)s")
            % {"url": verification_url(registration, language)},
        }


# --- The page ---------------------------------------------------------------------------------


class CertificateDocument(PortalPDF):
    def __init__(self):
        super().__init__(orientation="landscape")
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.set_lang("km")

    def _fit(self, text, size, bold, max_lines):
        """The size and line height a paragraph is written in, its number of lines and its
        height; with `max_lines`, the size shrinks until it fits (long event titles). Most
        lines fit on one: only the others go through fpdf2's line breaking, which shapes
        each candidate line again and is slow."""
        factor = KHMER_LINE_HEIGHT if is_khmer_text(text) else LATIN_LINE_HEIGHT
        while True:
            self.set_font("latin", "B" if bold else "", size)
            height = size * PT * factor
            if self.get_string_width(text) <= CONTENT_WIDTH - 2 * self.c_margin:
                count = 1
            else:
                lines = self.multi_cell(
                    CONTENT_WIDTH, height, khmer_word_breaks(text), dry_run=True, output="LINES"
                )
                count = len(lines)
            if max_lines is None or count <= max_lines or size <= 10:
                return size, height, count
            size -= 1

    def block_height(self, text, *, size, bold=False, max_lines=None, gap=0, **_style):
        _size, height, count = self._fit(" ".join(str(text).split()), size, bold, max_lines)
        return height * count + gap

    def text_block(self, text, *, size, bold=False, colour=TEXT, max_lines=None, gap=0):
        """A centred paragraph, with Khmer's generous line height where it holds Khmer."""
        text = " ".join(str(text).split())
        size, height, count = self._fit(text, size, bold, max_lines)
        self.set_font("latin", "B" if bold else "", size)
        self.set_text_color(*colour)
        self.set_x((PAGE_WIDTH - CONTENT_WIDTH) / 2)
        if count == 1:
            self.cell(CONTENT_WIDTH, height, text, align="C", new_x="LMARGIN", new_y="NEXT")
        else:
            # Between Khmer words (khmercut's), not inside one: fpdf2 breaks at U+200B.
            text = khmer_word_breaks(text)
            self.multi_cell(CONTENT_WIDTH, height, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_y(self.get_y() + gap)

    def border(self):
        self.set_draw_color(*PRIMARY)
        self.set_line_width(1.6)
        self.rect(9, 9, PAGE_WIDTH - 18, PAGE_HEIGHT - 18)
        self.set_draw_color(*GOLD)
        self.set_line_width(0.4)
        self.rect(13, 13, PAGE_WIDTH - 26, PAGE_HEIGHT - 26)
        # A small diamond in each inner corner.
        self.set_fill_color(*GOLD)
        inner = 13
        corners = [
            (x, y) for x in (inner, PAGE_WIDTH - inner) for y in (inner, PAGE_HEIGHT - inner)
        ]
        for x, y in corners:
            self.polygon([(x, y - 2.6), (x + 2.6, y), (x, y + 2.6), (x - 2.6, y)], style="F")

    def rule(self, y, width=60):
        self.set_draw_color(*GOLD)
        self.set_line_width(0.5)
        self.line((PAGE_WIDTH - width) / 2, y, (PAGE_WIDTH + width) / 2, y)

    def certificate(self, registration):
        km = certificate_texts(registration, "km")
        en = certificate_texts(registration, "en")
        self.add_page()
        self.border()

        self.set_y(20)
        self.text_block(km["organisation"], size=15, bold=True, colour=PRIMARY)
        self.text_block(en["organisation"], size=11, colour=MUTED)
        self.rule(self.get_y() + 2)

        self.set_y(self.get_y() + 5)
        self.text_block(km["heading"], size=25, bold=True, colour=PRIMARY)
        self.text_block(en["heading"], size=16, bold=True, colour=PRIMARY, gap=2)

        blocks = [
            (km["certify"], {"size": 13}),
            (en["certify"], {"size": 11, "colour": MUTED, "gap": 1}),
            (
                registration.full_name,
                {"size": 24, "bold": True, "colour": ACCENT, "max_lines": 1, "gap": 1},
            ),
            (km["attended"], {"size": 13}),
            (en["attended"], {"size": 11, "colour": MUTED, "gap": 2}),
            (km["title"], {"size": 17, "bold": True, "max_lines": 2}),
        ]
        if en["title"] != km["title"]:
            blocks.append(
                (en["title"], {"size": 14, "bold": True, "colour": MUTED, "max_lines": 2})
            )
        blocks[-1][1]["gap"] = 2
        blocks += [(km["dates"], {"size": 13}), (en["dates"], {"size": 11, "colour": MUTED})]
        # Centred between the heading and the verification block at the foot.
        top, bottom = self.get_y(), BODY_BOTTOM
        height = sum(self.block_height(text, **style) for text, style in blocks)
        self.set_y(top + max(0, (bottom - top - height) / 2))
        for text, style in blocks:
            self.text_block(text, **style)

        self.footer_block(registration, km, en)

    def footer_block(self, registration, km, en):
        qr_size = 22
        qr_x, qr_y = PAGE_WIDTH - 20 - qr_size, PAGE_HEIGHT - 19 - qr_size
        url = verification_url(registration, registration.language)
        image = io.BytesIO()
        segno.make(url, error="m").save(image, kind="png", scale=8, border=0, dark="#114b75")
        image.seek(0)
        self.image(image, x=qr_x, y=qr_y, w=qr_size, h=qr_size, alt_text=url)

        code = certificate_code(registration)
        left, width = 22, qr_x - 22 - 6
        lines = [
            (8.5, f"{km['code_label']} {code}", KHMER_LINE_HEIGHT),
            (8, f"{en['code_label']} {code}", LATIN_LINE_HEIGHT),
            (8.5, km["check"], KHMER_LINE_HEIGHT),
            (8, en["check"], LATIN_LINE_HEIGHT),
        ]
        heights = [size * PT * factor for size, _text, factor in lines]
        self.set_y(qr_y + qr_size - sum(heights))
        self.set_text_color(*MUTED)
        for (size, text, _factor), height in zip(lines, heights, strict=True):
            self.set_font("latin", "", size)
            self.set_x(left)
            self.cell(width, height, text, align="L", new_x="LMARGIN", new_y="NEXT")


def certificate_pdf(registrations) -> bytes:
    """One PDF with a page per registration, in the order given (each with its event:
    select_related("event") saves a query per page)."""
    document = CertificateDocument()
    registrations = list(registrations)
    if len(registrations) == 1:
        registration = registrations[0]
        document.set_title(f"{gettext('Certificate of attendance')} – {registration.full_name}")
    else:
        document.set_title(gettext("Certificates of attendance"))
    try:
        for registration in registrations:
            document.certificate(registration)
    except BaseException:
        document.close_fonts()
        raise
    return document.render()
