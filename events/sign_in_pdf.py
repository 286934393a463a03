"""The sign-in sheet for the door as a PDF (fpdf2 with HarfBuzz shaping, so Khmer is written
correctly): CCC's name and the event in the header, one numbered row per person with room to
write (rows at least 12 mm high), a wide signature column, the headings repeated on every page
and "page x of y" at the foot.

Fonts and shaping: events.pdf.PortalPDF.
"""

from django.conf import settings
from django.utils.translation import gettext
from fpdf import FontFace

from core.localization import format_date, local_digits

from .pdf import PortalPDF

ROW_HEIGHT = 12.5  # mm: room for a signature and a handwritten correction
MARGIN = 12  # mm
# Share of the width of each column: No., name, organisation, gender, phone, signature.
COLUMN_SHARES = (6, 22, 23, 10, 14, 25)
BLANK_ROWS = 5  # for people who come without registering


class SignInSheet(PortalPDF):
    def __init__(self, *, event, total_pages=None):
        super().__init__(orientation="portrait")
        self.event = event
        self.total_pages = total_pages
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 6)
        self.set_font("latin", size=10)
        self.set_title(f"{gettext('Sign-in sheet')} – {event.title}")

    def header(self):
        self.set_font("latin", "B", 9)
        self.cell(0, 6, str(settings.PORTAL_NAME), new_x="LMARGIN", new_y="NEXT")
        self.set_font("latin", "B", 13)
        self.multi_cell(0, 8, self.event.title, new_x="LMARGIN", new_y="NEXT")
        self.set_font("latin", "", 10)
        when = format_date(self.event.starts_at, "datetime")
        place = f" · {self.event.venue}" if self.event.venue else ""
        self.cell(
            0, 7, f"{gettext('Sign-in sheet')} · {when}{place}", new_x="LMARGIN", new_y="NEXT"
        )
        self.ln(2)

    def footer(self):
        self.set_y(-MARGIN - 2)
        self.set_font("latin", "", 9)
        text = gettext("Page %(page)s of %(pages)s") % {
            "page": self.page_no(),
            "pages": self.total_pages or "?",
        }
        self.cell(0, 6, local_digits(text), align="R")


def headings():
    return (
        gettext("No."),
        gettext("Full name"),
        gettext("Organisation"),
        gettext("Gender"),
        gettext("Phone"),
        gettext("Signature"),
    )


def rows(registrations):
    for number, registration in enumerate(registrations, start=1):
        yield (
            local_digits(str(number)),
            registration.full_name,
            registration.organisation_display,
            registration.get_gender_display(),
            registration.phone,
            "",
        )
    for _blank in range(BLANK_ROWS):
        yield ("",) * len(COLUMN_SHARES)


def _draw(event, registrations, total_pages):
    pdf = SignInSheet(event=event, total_pages=total_pages)
    pdf.add_page()
    heading_style = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(
        col_widths=COLUMN_SHARES,
        line_height=6,
        text_align="LEFT",
        v_align="MIDDLE",
        padding=(1, 1.5),
        headings_style=heading_style,
        repeat_headings=1,
    ) as table:
        heading = table.row(min_height=9)
        for text in headings():
            heading.cell(text)
        for values in rows(registrations):
            row = table.row(min_height=ROW_HEIGHT)
            for value in values:
                row.cell(value)
    return pdf


def sign_in_sheet_pdf(event, registrations):
    """The PDF as bytes. Drawn twice: first to count the pages, then with "of y" filled in
    (so no page-count alias has to go through text shaping)."""
    registrations = list(registrations)
    first = _draw(event, registrations, None)
    first.close_fonts()
    return _draw(event, registrations, first.pages_count).render()
