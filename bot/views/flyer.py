"""A printable A5 flyer with the QR code of an invite: PDF (fpdf2) and PNG (Pillow).

Layout, top to bottom: the network's name and the area, a short text in Dutch and in
English (both, whatever the coordinator's language: a flyer in a stairwell is read by
everyone), the QR code (80 mm, vector in the PDF so it prints sharp), the link in letters
for people who type it, and the flyer's label in small print (so a coordinator knows which
flyer hangs where; sign-ups are counted per label).

A5 is 148 x 210 mm (ISO 216). The QR code uses error correction level M (15 %, enough for
paper that gets a fold or a smudge; ISO/IEC 18004) and the four-module quiet zone the
standard asks for. Font: DejaVu Sans as shipped with matplotlib (covers every Dutch and
most other letters, so a network name like "Buurtnetwerk Zuidoost ❤" cannot break the PDF
for lack of a glyph in a core PDF font).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from bot.domain.vocabulary import Role
from bot.i18n import Translator

A5_MM = (148.0, 210.0)
MARGIN_MM = 12.0
QR_MM = 80.0  # largest QR size; smaller when long names need the room
QR_MIN_MM = 30.0
FOOTER_MM = 16.0  # room kept at the bottom for the link and the label
QR_BORDER = 4  # modules of quiet zone (ISO/IEC 18004)
PNG_DPI = 150  # 874 x 1240 px: sharp on a screen, fine for a home printer
_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = _FONTS / "DejaVuSans.ttf"
FONT_BOLD = _FONTS / "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class FlyerContent:
    """What goes on a flyer: the invite link, the flyer's label, the area's name, the
    network's name and the invite's role (volunteer | resident)."""

    link: str
    label: str
    area_name: str
    network_name: str
    role: str


@dataclass(frozen=True)
class _Block:
    text: str
    size_pt: float
    bold: bool = False
    gap_after_mm: float = 2.0


def _texts(content: FlyerContent, t: Translator) -> tuple[str, str]:
    """(heading, body) in the translator's language."""
    if content.role == Role.RESIDENT:
        heading = t.gettext("Would you like some help, or to do something for your neighbourhood?")
        body = t.gettext(
            "Scan the code with your phone camera. You will talk with {network} in Telegram. "
            "Neighbours help each other in {area}.",
            network=content.network_name,
            area=content.area_name,
        )
    else:
        heading = t.gettext("Would you like to help in your neighbourhood?")
        body = t.gettext(
            "Scan the code with your phone camera. You will talk with {network} in Telegram. "
            "You choose when and how you help in {area}.",
            network=content.network_name,
            area=content.area_name,
        )
    return heading, body


def _blocks_above(content: FlyerContent, nl: Translator, en: Translator) -> list[_Block]:
    nl_heading, nl_body = _texts(content, nl)
    en_heading, en_body = _texts(content, en)
    return [
        _Block(content.network_name, 20, bold=True, gap_after_mm=1),
        _Block(content.area_name, 14, gap_after_mm=6),
        _Block(nl_heading, 14, bold=True, gap_after_mm=1),
        _Block(nl_body, 11, gap_after_mm=4),
        _Block(en_heading, 12, bold=True, gap_after_mm=1),
        _Block(en_body, 10, gap_after_mm=5),
    ]


def _footer(content: FlyerContent, nl: Translator) -> list[_Block]:
    return [
        _Block(content.link, 9, gap_after_mm=2),
        _Block(nl.gettext("This flyer: {label}", label=content.label), 8),
    ]


def flyer_pdf(content: FlyerContent, *, nl: Translator, en: Translator) -> bytes:
    """The flyer as a one-page A5 PDF (bytes). `nl` and `en` are the Dutch and English
    translators (both texts are printed)."""
    pdf = FPDF(orientation="P", unit="mm", format=A5_MM)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.add_page()
    pdf.set_title(content.network_name)
    width = A5_MM[0] - 2 * MARGIN_MM
    for block in _blocks_above(content, nl, en):
        pdf.set_font("DejaVu", "B" if block.bold else "", block.size_pt)
        pdf.multi_cell(width, block.size_pt * 0.45, block.text, align="C")
        pdf.ln(block.gap_after_mm)
    qr = segno.make(content.link, error="m")
    modules = qr.symbol_size(scale=1, border=QR_BORDER)[0]
    footer_top = A5_MM[1] - MARGIN_MM - FOOTER_MM
    qr_mm = max(QR_MIN_MM, min(QR_MM, footer_top - 2 - pdf.get_y()))
    module_mm = qr_mm / modules
    x0, y0 = (A5_MM[0] - qr_mm) / 2, pdf.get_y()
    pdf.set_fill_color(0, 0, 0)
    for r, line in enumerate(qr.matrix):
        c = 0
        while c < len(line):
            if line[c]:
                run = c
                while run < len(line) and line[run]:
                    run += 1
                pdf.rect(
                    x0 + (c + QR_BORDER) * module_mm,
                    y0 + (r + QR_BORDER) * module_mm,
                    (run - c) * module_mm,
                    module_mm,
                    style="F",
                )
                c = run
            else:
                c += 1
    pdf.set_y(max(footer_top, y0 + qr_mm + 2))
    for block in _footer(content, nl):
        pdf.set_font("DejaVu", "", block.size_pt)
        pdf.multi_cell(width, block.size_pt * 0.45, block.text, align="C")
        pdf.ln(block.gap_after_mm)
    return bytes(pdf.output())


def _mm(value: float, dpi: int) -> int:
    return round(value / 25.4 * dpi)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and draw.textlength(candidate, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def flyer_png(
    content: FlyerContent, *, nl: Translator, en: Translator, dpi: int = PNG_DPI
) -> bytes:
    """The flyer as an A5 PNG (bytes), `dpi` dots per inch (874 x 1240 px at 150 dpi)."""
    size = (_mm(A5_MM[0], dpi), _mm(A5_MM[1], dpi))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    width = size[0] - 2 * _mm(MARGIN_MM, dpi)
    y = _mm(MARGIN_MM, dpi)

    def put(block: _Block) -> None:
        nonlocal y
        font = ImageFont.truetype(
            str(FONT_BOLD if block.bold else FONT), round(block.size_pt * dpi / 72)
        )
        line_height = round(block.size_pt * dpi / 72 * 1.25)
        for line in _wrap(draw, block.text, font, width):
            draw.text((size[0] // 2, y), line, font=font, fill="black", anchor="ma")
            y += line_height
        y += _mm(block.gap_after_mm, dpi)

    for block in _blocks_above(content, nl, en):
        put(block)
    qr = segno.make(content.link, error="m")
    modules = qr.symbol_size(scale=1, border=QR_BORDER)[0]
    footer_top = size[1] - _mm(MARGIN_MM + FOOTER_MM, dpi)
    room = max(_mm(QR_MIN_MM, dpi), min(_mm(QR_MM, dpi), footer_top - _mm(2, dpi) - y))
    scale = max(1, room // modules)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=QR_BORDER)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    image.paste(code, ((size[0] - code.width) // 2, y))
    y = max(footer_top, y + code.height + _mm(2, dpi))
    for block in _footer(content, nl):
        put(block)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
