"""The printable flyer (`bot.views.flyer`): the QR code decodes (zxing-cpp) to the invite
link from the PNG and from the PDF rendered to an image (pdfium), the page is A5, and the
texts a reader sees (Dutch and English, area, network, label, link) are on it."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from bot.config import PROJECT_ROOT
from bot.i18n import I18n
from bot.views.flyer import FlyerContent, flyer_pdf, flyer_png

I18N = I18n(PROJECT_ROOT / "locales", default_language="nl", tz=ZoneInfo("Europe/Amsterdam"))
NL, EN = I18N.translator("nl"), I18N.translator("en")
LINK = "https://t.me/wijkbot_test_bot?start=Zq3_x-9aBcDeFgHiJkLmNo"
MM_PER_PT = 25.4 / 72


def content(**changes: str) -> FlyerContent:
    values = {
        "link": LINK,
        "label": "Bibliotheek Haarlemmerweg",
        "area_name": "Haarlemmerbuurt",
        "network_name": "Buurtnetwerk Centrum",
        "role": "resident",
        **changes,
    }
    return FlyerContent(**values)


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def pdf_pages(data: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(data)


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_png_is_a5_at_150_dpi_and_its_qr_decodes_to_the_link() -> None:
    data = flyer_png(content(), nl=NL, en=EN)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (874, 1240)  # 148 x 210 mm at 150 dpi
    assert decode(image) == [LINK]
    assert len(data) < 500_000


def test_pdf_is_one_a5_page_whose_qr_decodes_after_rendering() -> None:
    document = pdf_pages(flyer_pdf(content(), nl=NL, en=EN))
    assert len(document) == 1
    page = document[0]
    width, height = page.get_size()
    assert (round(width * MM_PER_PT), round(height * MM_PER_PT)) == (148, 210)
    for dpi in (72, 150):  # a coarse screen render and a print-like one
        assert decode(page.render(scale=dpi / 72).to_pil()) == [LINK]


def test_pdf_says_it_in_dutch_and_english_with_area_network_label_and_link() -> None:
    page = pdf_pages(flyer_pdf(content(), nl=NL, en=EN))[0]
    text = one_line(page.get_textpage().get_text_range())
    for expected in (
        "Buurtnetwerk Centrum",
        "Haarlemmerbuurt",
        "Wil je hulp, of iets doen voor je buurt?",
        "Scan de code met de camera van je telefoon. Je praat dan met Buurtnetwerk Centrum in "
        "Telegram. In Haarlemmerbuurt helpen buren elkaar.",
        "Would you like some help, or to do something for your neighbourhood?",
        "Neighbours help each other in Haarlemmerbuurt.",
        LINK,
        "Deze flyer: Bibliotheek Haarlemmerweg",
    ):
        assert expected in text


def test_a_volunteer_flyer_asks_for_help_instead() -> None:
    page = pdf_pages(flyer_pdf(content(role="volunteer"), nl=NL, en=EN))[0]
    text = one_line(page.get_textpage().get_text_range())
    assert "Wil je helpen in je buurt?" in text
    assert "Jij kiest wanneer en hoe je helpt in Haarlemmerbuurt." in text
    assert "Would you like to help in your neighbourhood?" in text
    assert "Wil je hulp, of iets doen" not in text


@pytest.mark.parametrize(
    "changes",
    [
        {
            "network_name": "Buurtnetwerk Noord — Vogeldorp ❤",
            "area_name": "Oostelijke Eilanden/Kadijken",
        },
        {"label": "x" * 40, "area_name": "Burgwallen-Nieuwe Zijde " * 3},
    ],
)
def test_unusual_names_still_make_a_flyer_whose_code_works(changes: dict[str, str]) -> None:
    flyer = content(**changes)
    page = pdf_pages(flyer_pdf(flyer, nl=NL, en=EN))[0]
    assert one_line(flyer.network_name) in one_line(page.get_textpage().get_text_range())
    assert decode(page.render(scale=150 / 72).to_pil()) == [LINK]
    assert decode(Image.open(io.BytesIO(flyer_png(flyer, nl=NL, en=EN)))) == [LINK]


@pytest.mark.parametrize("area_name", ["Haarlemmerbuurt", "Burgwallen-Nieuwe Zijde " * 5])
def test_everything_stays_on_the_page_even_with_a_very_long_area_name(area_name: str) -> None:
    flyer = content(area_name=area_name)
    image = Image.open(io.BytesIO(flyer_png(flyer, nl=NL, en=EN))).convert("L")
    bottom_margin = image.crop((0, image.height - 50, image.width, image.height))  # ~8 mm
    assert bottom_margin.getextrema() == (255, 255), "something was drawn in the bottom margin"
    assert decode(image) == [LINK]
    page = pdf_pages(flyer_pdf(flyer, nl=NL, en=EN))[0]
    width, height = page.get_size()
    textpage = page.get_textpage()
    boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
    assert boxes
    assert all(
        0 < left and right < width and 0 < bottom and top < height
        for left, bottom, right, top in boxes
    )
    assert min(bottom for _, bottom, _, _ in boxes) > 8 / MM_PER_PT  # above the margin
    assert decode(page.render(scale=150 / 72).to_pil()) == [LINK]
