"""The portal's PDFs (certificates, sign-in sheets): fpdf2 with HarfBuzz shaping and the static
Kantumruy Pro fonts in events/fonts/ (made by scripts/build_pdf_fonts.py from the vendored web
font), so Khmer is written correctly with nothing beyond pip on the machine."""

import logging
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"

# fontTools reports every glyph it keeps when fpdf2 subsets a font; not worth a log line.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


class PortalPDF(FPDF):
    """An FPDF whose "latin" family has the "khmer" family as its fallback, shaped by HarfBuzz.

    Latin first, Khmer its fallback: every run of Khmer letters becomes a fragment of its own,
    which HarfBuzz then shapes as Khmer. (With the Khmer file first, which holds Latin letters
    too, a line that begins in Latin, such as "ICT ...", would be shaped whole as Latin script
    and its Khmer left unshaped.)
    """

    def __init__(self, **page):
        super().__init__(unit="mm", format="A4", **page)
        for family, script in (("khmer", "Khmer"), ("latin", "Latin")):
            self.add_font(family, "", FONTS / f"KantumruyPro-{script}-Regular.ttf")
            self.add_font(family, "B", FONTS / f"KantumruyPro-{script}-Bold.ttf")
        self.set_fallback_fonts(["khmer"], exact_match=True)
        self.set_text_shaping(True)
        self.set_creator(str(settings.PORTAL_NAME))
        self.set_author(str(settings.PORTAL_NAME))

    def render(self) -> bytes:
        """The document as bytes; the font files are closed whatever happens (fpdf2 reads them
        lazily and keeps them open: a file left to the garbage collector is a ResourceWarning)."""
        try:
            return bytes(self.output())
        finally:
            self.close_fonts()

    def close_fonts(self):
        for font in self.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()
