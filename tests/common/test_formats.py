"""One format per language for money, percentages, dates, times and deadlines."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from common.formats import (
    format_date,
    format_datetime,
    format_deadline,
    format_eur,
    format_pct,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EVENING = datetime(2026, 12, 14, 17, 41, tzinfo=ZoneInfo("UTC"))  # 18:41 in Amsterdam


@pytest.mark.parametrize(
    ("language", "money", "pct", "day", "moment", "deadline"),
    [
        (
            "en",
            "€1,234.50",
            "50.62%",
            "14 Dec 2026",
            "14 Dec 2026, 18:41",
            "14 Dec 2026, 18:41 CET",
        ),
        (
            "nl",
            "€\u00a01.234,50",
            "50,62%",
            "14 dec 2026",
            "14 dec 2026, 18:41",
            "14 dec 2026, 18:41 CET",
        ),
    ],
)
def test_each_language_has_one_format(language, money, pct, day, moment, deadline):
    with translation.override(language):
        assert format_eur(Decimal("1234.5")) == money
        assert format_pct(Decimal("50.6173")) == pct
        assert format_date(date(2026, 12, 14)) == day
        assert format_datetime(EVENING) == moment
        assert format_deadline(EVENING) == deadline


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_date_format_name_renders_the_same_way(language):
    """No "12/14/2026 6:41 p.m." beside "Dec. 14, 2026": SHORT_* equal the long formats."""
    template = Template(
        '{{ when|date:"DATETIME_FORMAT" }}|{{ when|date:"SHORT_DATETIME_FORMAT" }}|{{ when }}'
        '#{{ day|date:"DATE_FORMAT" }}|{{ day|date:"SHORT_DATE_FORMAT" }}|{{ day }}'
    )
    with translation.override(language):
        rendered = template.render(Context({"when": EVENING, "day": date(2026, 12, 14)}))
    moments, days = rendered.split("#")
    assert len(set(moments.split("|"))) == 1, moments
    assert len(set(days.split("|"))) == 1, days
    assert "p.m." not in rendered and "/" not in rendered


def test_a_summer_deadline_names_summer_time():
    summer = datetime(2026, 7, 1, 15, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("en"):
        assert format_deadline(summer) == "1 Jul 2026, 17:00 CEST"


def test_missing_values_read_as_a_dash():
    assert format_date(None) == format_datetime(None) == format_deadline(None) == "—"
