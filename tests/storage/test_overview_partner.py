"""What partner staff get of the overview (issue 10, item 7): their organisation's area,
counts from 1 to 4 shown as "<5" (text, CSV), zeros and larger counts exact; someone who is
not staff of an organisation is refused. Seeded as in test_results_overview (May 2027)."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

import pytest

from bot.config import PROJECT_ROOT
from bot.domain.coupling import organisations
from bot.domain.errors import NotAllowed
from bot.domain.overview_partner import overview_for_partner
from bot.i18n import I18n
from bot.views.overview_chart import overview_csv, overview_text
from storage.db import Database
from tests.storage.test_results import add_person
from tests.storage.test_results_overview import APRIL, FIRST, LAST, NOW, seed

AMS = ZoneInfo("Europe/Amsterdam")
I18N = I18n(PROJECT_ROOT / "locales", default_language="nl", tz=AMS)
DATA = PROJECT_ROOT / "storage" / "data" / "organisations-amsterdam-centrum.toml"


async def test_partner_staff_get_small_counts_suppressed(db: Database) -> None:
    async with db.begin() as session:
        await seed(session)
        await session.run_sync(lambda s: organisations.load_organisations(s, DATA))
        ymere = await add_person(session, "Yara", role="volunteer", area="Centrum", when=APRIL)
        social = await organisations.social_map(session=session, area_id=ymere.area_id)
        ymere_id = next(e.id for e in social if e.name == "Ymere")
        await organisations.link_partner(session=session, person=ymere, organisation_id=ymere_id)
        overview = await overview_for_partner(
            session=session, staff=ymere, first_day=FIRST, last_day=LAST, now=NOW, tz=AMS
        )
        outsider = await add_person(session, "Olaf", role="volunteer", area="Centrum")
        with pytest.raises(NotAllowed):
            await overview_for_partner(
                session=session, staff=outsider, first_day=FIRST, last_day=LAST, now=NOW, tz=AMS
            )
    assert overview.area_name == "Centrum" and overview.suppress_below == 5
    # total: 3 actions, 4 volunteers, 11 conversations, 2 met, 4 sign-ups, 2 help requests
    total = overview.total
    assert (total.actions_held, total.volunteers_active, total.residents_reached) == (
        None,
        None,
        11,
    )
    nl = I18N.translator("nl")
    rows = list(
        csv.reader(io.StringIO(overview_csv(overview, nl).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[-1][:9] == ["totaal", "", "Centrum", "<5", "<5", "11", "<5", "<5", "<5"]
    text = overview_text(overview, nl)  # Telegram HTML
    assert "Acties gehouden: &lt;5\n" in text and "Bewoners gesproken (gesprekken): 11\n" in text
    assert text.endswith("&lt;5: minder dan 5, niet getoond voor de privacy")
