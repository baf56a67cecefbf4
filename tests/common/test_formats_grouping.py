"""format_decimal groups by three itself in en and nl (issue 22: ~400 amounts on a comparison
page); it must say exactly what Django's number_format says, digit for digit."""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from django.utils.formats import number_format

from common.formats import format_decimal, format_eur

EDGES = ["-0.001", "0", "-0", "0E-7", "-0E+3", "0.005", "-0.005", "999.995", "-999999.995",
         "1e20", "-1234567.125", 1234, 12.5, -5, 0.1]  # fmt: skip


def django_says(value, places: int) -> str:
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_amount_reads_as_django_would_write_it(language):
    rng = random.Random(2026)
    values = [*EDGES]
    for _ in range(3000):
        values.append(Decimal(rng.randint(-(10**10), 10**10)).scaleb(rng.randint(-9, 3)))
    with translation.override(language):
        for value in values:
            for places in (0, 1, 2, 3, 6):
                assert format_decimal(value, places) == django_says(value, places), (value, places)


def test_amounts_in_both_languages():
    with translation.override("en"):
        assert format_eur(Decimal("-1234567.125")) == "€-1,234,567.13"
        assert format_decimal(Decimal("-0.001")) == "0.00"
    with translation.override("nl"):
        assert format_eur(Decimal("1234567.125")) == "€\u00a01.234.567,13"
        assert format_decimal(Decimal("1234.5"), 0) == "1.235"
    assert format_decimal(None) == "—" and format_eur("") == "—"
