"""Draw the portal's icons under static/img/ (the mark of static/img/favicon.svg) with Pillow.

Run from the repository root: .venv/bin/python scripts/make_icons.py
"""

import math

from PIL import Image, ImageDraw

BLUE = (17, 75, 117, 255)
ACCENT = (184, 70, 27, 255)
WHITE = (255, 255, 255, 255)


def mark(size, rounded=True):
    scale = 16
    big = size * scale
    u = big / 64  # one unit of the 64x64 SVG viewBox
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if rounded:
        d.rounded_rectangle([0, 0, big - 1, big - 1], radius=12 * u, fill=BLUE)
    else:
        d.rectangle([0, 0, big, big], fill=BLUE)
    c, r, w = 32 * u, 17 * u, 8 * u
    box = [c - r - w / 2, c - r - w / 2, c + r + w / 2, c + r + w / 2]
    d.arc(box, 45, 315, fill=WHITE, width=round(w))
    for angle in (45, 315):
        x = c + r * math.cos(math.radians(angle))
        y = c + r * math.sin(math.radians(angle))
        d.ellipse([x - w / 2, y - w / 2, x + w / 2, y + w / 2], fill=WHITE)
    d.ellipse([44 * u - 5 * u, c - 5 * u, 44 * u + 5 * u, c + 5 * u], fill=ACCENT)
    return img.resize((size, size), Image.LANCZOS)


out = "static/img/"
mark(256).save(out + "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
mark(180, rounded=False).convert("RGB").save(out + "apple-touch-icon.png", optimize=True)
for s in (192, 512):
    mark(s).save(out + f"icon-{s}.png", optimize=True)
# Maskable: the mark inside the safe zone (80 %) on a full-bleed background.
m = Image.new("RGBA", (512, 512), BLUE)
m.alpha_composite(mark(410), (51, 51))
m.save(out + "icon-maskable-512.png", optimize=True)
