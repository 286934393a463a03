"""Static TrueType fonts for the PDFs (certificates, sign-in sheets), made from the vendored
Kantumruy Pro web fonts: fpdf2 embeds TTF, not woff2, and not a variable font's axes.

Run once after updating static/vendor/kantumruy-pro/ (needs brotli, in requirements-dev):
    .venv/bin/python scripts/build_pdf_fonts.py
Writes events/fonts/KantumruyPro-{Khmer,Latin}-{Regular,Bold}.ttf (OFL, see OFL.txt there).
"""

import shutil
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "static" / "vendor" / "kantumruy-pro"
TARGET = ROOT / "events" / "fonts"
WEIGHTS = {"Regular": 400, "Bold": 700}
SUBSETS = {"Khmer": "khmer", "Latin": "latin"}


def main():
    TARGET.mkdir(exist_ok=True)
    for subset_name, subset in SUBSETS.items():
        for weight_name, weight in WEIGHTS.items():
            font = TTFont(SOURCE / f"kantumruy-pro-{subset}-wght-normal.woff2")
            static = instantiateVariableFont(font, {"wght": weight})
            static.flavor = None
            out = TARGET / f"KantumruyPro-{subset_name}-{weight_name}.ttf"
            static.save(out)
            print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size // 1024} KB)")
    shutil.copy(SOURCE / "OFL.txt", TARGET / "OFL.txt")


if __name__ == "__main__":
    main()
