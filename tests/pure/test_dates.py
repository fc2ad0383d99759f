"""One reader for every date people type: what it accepts, written back in the reader's
own words, reads as the same day; a day or month that does not exist is refused, never
read as another date (`32/13` was stored as Monday 13 December 2032)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.core.dates import read_date, write_day_in_full

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 12, 2)  # a Wednesday
DAYS = st.dates(min_value=TODAY, max_value=date(2029, 12, 31))
WRITTEN = {
    "dd/mm/yyyy": lambda d, _lang: f"{d:%d/%m/%Y}",
    "d/m/yy": lambda d, _lang: f"{d.day}/{d.month}/{d:%y}",
    "yyyy-mm-dd": lambda d, _lang: d.isoformat(),
    "d.m.yyyy": lambda d, _lang: f"{d.day}.{d.month}.{d.year}",
}


@given(DAYS, st.sampled_from(["fr", "en"]), st.sampled_from(sorted(WRITTEN)))
@settings(max_examples=300, deadline=None)
def test_every_date_written_in_digits_reads_as_the_same_day(day, lang, style):
    assert read_date(WRITTEN[style](day, lang), PARIS, lang, TODAY) == (day, "")


@given(DAYS, st.sampled_from(["fr", "en"]))
@settings(max_examples=40, deadline=None)
def test_every_date_relais_writes_reads_back_as_the_same_day(day, lang):
    """What Relais says (« mercredi 2 décembre 2026 », « 1er janvier 2027 ») is read back as itself."""
    assert read_date(write_day_in_full(day, lang), PARIS, lang, TODAY) == (day, "")


@given(st.integers(1, 99), st.integers(1, 99), st.sampled_from(["", "/2027", "/27"]))
@settings(max_examples=300, deadline=None)
def test_a_day_or_month_that_does_not_exist_is_refused_never_read_as_another(day, month, year):
    typed = f"{day}/{month}{year}"
    try:
        date(2027 if year else 2028, month, day)  # 2028: a leap year, for 29/02 without a year
    except ValueError:
        assert read_date(typed, PARIS, "fr", TODAY) == (None, f"Cette date n’existe pas\u202f: {typed}.")
    else:
        found, problem = read_date(typed, PARIS, "fr", TODAY)
        assert problem == "" and found is not None and (found.day, found.month) == (day, month)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("32/13", None), ("13/32", None), ("31/04", None), ("29/02/2027", None), ("2026-13-01", None),
        ("12/12", date(2026, 12, 12)), ("02/12/26", date(2026, 12, 2)), ("1er janvier 2027", date(2027, 1, 1)),
        ("jeudi prochain", date(2026, 12, 3)), ("jeudi", date(2026, 12, 3)), ("next friday", date(2026, 12, 4)),
        ("29/02", date(2028, 2, 29)), ("1/1", date(2027, 1, 1)), ("demain", date(2026, 12, 3)),
    ],
)  # fmt: skip
def test_dates_as_people_type_them(typed, meant):
    found, problem = read_date(typed, PARIS, "fr", TODAY)
    assert found == meant, problem
