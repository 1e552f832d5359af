"""Make the README's example flyer (the PNG a coordinator gets from /uitnodigen).

    python scripts/flyer_example.py [--out docs/flyer-example.png]

Draws the A5 flyer for residents of the Haarlemmerbuurt with an example invite link (not a
real token) and the label "Bibliotheek Haarlemmerweg", with the same code the bot uses
(`bot.views.flyer.flyer_png`), and prints its size and dimensions.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from bot.config import PROJECT_ROOT
from bot.i18n import I18n
from bot.views.flyer import FlyerContent, flyer_png


def main() -> None:
    """Write the example flyer PNG."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "flyer-example.png")
    args = parser.parse_args()
    i18n = I18n(PROJECT_ROOT / "locales", default_language="nl", tz=ZoneInfo("Europe/Amsterdam"))
    nl, en = i18n.translator("nl"), i18n.translator("en")
    content = FlyerContent(
        link="https://t.me/wijkbot_demo_bot?start=VOORBEELD-geen-echte-link",
        label="Bibliotheek Haarlemmerweg",
        area_name="Haarlemmerbuurt",
        network_name=nl.gettext("Neighbourhood network {area}", area="Centrum"),
        role="resident",
    )
    data = flyer_png(content, nl=nl, en=en)
    args.out.write_bytes(data)
    width, height = Image.open(io.BytesIO(data)).size
    print(f"{args.out}: {len(data):,} bytes, {width} x {height} px (A5 at 150 dpi)")


if __name__ == "__main__":
    main()
