"""Draws actplanner's icons into src/actplanner/web/static: favicon.ico, the home-screen PNGs, icon.svg.

The app serves them itself (no CDN). Run once after changing the drawing; the
files are committed. Needs Pillow (a development tool here, not a dependency of the app):
``python scripts/make_icons.py``.

The drawing: a telephone handset, white on the on-call page's call-button blue, so the
icon on a home screen says "the on-call number".
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[1] / "src" / "actplanner" / "web" / "static"
BLUE = "#0a4a8c"
WHITE = "#ffffff"
#: Drawn at this many times the size asked, then scaled down: smooth edges without an SVG renderer.
OVERSAMPLE = 4
#: Sizes of the PNGs: iOS's home screen (180), Android's manifest icons (192, 512).
PNGS = {"apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512}
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]

# The handset in a 64-unit square, drawn upright (ear piece up, handle bowed to the left),
# then turned a quarter right of upright as a handset is usually drawn.
ARC_BOX = (17, 14, 49, 50)
ARC_START, ARC_END = 115, 245  # degrees, clockwise from 3 o'clock, as Pillow draws arcs
ARC_WIDTH = 8
CUPS = ((22, 11, 42, 24), (22, 40, 42, 53))  # ear and mouth pieces (x0, y0, x1, y1)
CUP_RADIUS = 5
TURN = -40  # degrees, counter-clockwise as Pillow turns images

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <rect width="64" height="64" rx="14" fill="{BLUE}"/>
  <g transform="rotate({-TURN} 32 32)" fill="{WHITE}">
    <path d="M26.2 15.7 A16 18 0 0 0 26.2 48.3" fill="none" stroke="{WHITE}" stroke-width="{ARC_WIDTH}"/>
    <rect x="22" y="11" width="20" height="13" rx="{CUP_RADIUS}"/>
    <rect x="22" y="40" width="20" height="13" rx="{CUP_RADIUS}"/>
  </g>
</svg>
"""


def draw(size: int, *, rounded: bool) -> Image.Image:
    """The icon at ``size`` pixels; ``rounded`` corners for a favicon (home screens round their own)."""
    big = size * OVERSAMPLE
    scale = big / 64
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    box = (0, 0, big - 1, big - 1)
    if rounded:
        pen.rounded_rectangle(box, radius=round(14 * scale), fill=BLUE)
    else:
        pen.rectangle(box, fill=BLUE)
    handset = Image.new("L", (big, big), 0)
    hand = ImageDraw.Draw(handset)
    hand.arc(
        tuple(round(v * scale) for v in ARC_BOX), ARC_START, ARC_END, fill=255, width=round(ARC_WIDTH * scale)
    )
    for cup in CUPS:
        hand.rounded_rectangle(
            tuple(round(v * scale) for v in cup), radius=round(CUP_RADIUS * scale), fill=255
        )
    handset = handset.rotate(TURN, resample=Image.Resampling.BICUBIC, center=(big / 2, big / 2))
    image.paste(WHITE, (0, 0), handset)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for name, size in PNGS.items():
        draw(size, rounded=False).convert("RGB").save(STATIC / name, optimize=True)
    draw(48, rounded=True).save(STATIC / "favicon.ico", sizes=ICO_SIZES)
    (STATIC / "icon.svg").write_text(SVG)


if __name__ == "__main__":
    main()
