"""French dates and plurals."""

from __future__ import annotations

import datetime as dt

from kb.content.labels import date_fr, plural


def test_dates_in_french_with_the_ordinal_first() -> None:
    assert date_fr("2025-11-17") == "17 novembre 2025"
    assert date_fr(dt.date(2025, 12, 1)) == "1er décembre 2025"
    assert date_fr("2025-11") == "novembre 2025" and date_fr("2026") == "2026" and date_fr(None) == ""


def test_french_plural_rule() -> None:
    assert plural(0, "résultat") == "0 résultat"
    assert plural(1, "résultat") == "1 résultat"
    assert plural(2, "résultat") == "2 résultats"
