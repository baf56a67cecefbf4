"""CSV bulk entry: template, encodings and delimiters, every rule per line, all rows or none."""

import csv
import io
from datetime import date, timedelta
from html import unescape

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis.csv_import import COLUMNS, MAX_COLUMNS, MAX_ROWS, REQUIRED_COLUMNS, parse_kpi_csv
from pilots.models import KpiEntry
from tests.pilots.kpi_entry_helpers import NOW, START, TODAY, good_values, make_pilot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pilot(vendor_a):
    return make_pilot(vendor_a, start=START, length=30)


def row(day: date, **overrides) -> list[str]:
    values = good_values(**overrides)
    return [
        day.isoformat(),
        *("" if values.get(c) is None else str(values[c]) for c in COLUMNS[1:]),
    ]


def csv_bytes(
    rows: list[list[str]], *, delimiter: str = ",", bom: bool = False, header=COLUMNS
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def upload(client, pilot, raw: bytes, name: str = "kpis.csv"):
    return client.post(
        reverse("pilots:kpi_csv_upload", args=[pilot.pk]),
        {"file": SimpleUploadedFile(name, raw, content_type="text/csv")},
    )


def upload_errors(response) -> list[tuple]:
    assert response.status_code == 200
    return [(e.line, e.field, e.message) for e in response.context["errors"]]


def test_the_template_has_the_header_and_a_marked_example_row_that_is_never_saved(
    vendor_a_client, pilot
):
    assert upload(vendor_a_client, pilot, csv_bytes([row(START)])).status_code == 302  # day 1
    response = vendor_a_client.get(reverse("pilots:kpi_csv_template", args=[pilot.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == list(COLUMNS)
    assert len(lines) == 2 and lines[1][0] == "example"  # no date inside the pilot
    assert "never saved" in lines[1][-1]
    errors = upload_errors(upload(vendor_a_client, pilot, response.content))
    assert errors == [(None, "file", "The file has a header row but no data rows.")]
    assert KpiEntry.objects.get(pilot=pilot).tickets == 100  # day 1 untouched

    # The example row beside real rows is skipped; the real rows are saved.
    raw = response.content + ",".join(row(date(2026, 3, 2))).encode() + b"\r\n"
    assert upload(vendor_a_client, pilot, raw).status_code == 302
    assert KpiEntry.objects.filter(pilot=pilot).count() == 2


def test_a_valid_file_saves_every_row_and_replaces_a_day_already_entered(
    vendor_a_client, pilot, vendor_a_user
):
    small_day = good_values(tickets=5, csat_responses=2, csat_positive=1, fcr_resolved=1)
    KpiEntry.objects.create(pilot=pilot, day=START, entered_by=vendor_a_user, **small_day)
    raw = csv_bytes([row(START + timedelta(days=i), tickets=100 + i) for i in range(5)])
    asked = upload(vendor_a_client, pilot, raw)  # day 1 would change: asked first
    assert asked.status_code == 200 and KpiEntry.objects.filter(pilot=pilot).count() == 1
    response = vendor_a_client.post(
        reverse("pilots:kpi_csv_upload", args=[pilot.pk]),
        {"confirm": asked.context["confirm_token"]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pilots:pilot_detail", args=[pilot.pk])
    assert list(KpiEntry.objects.filter(pilot=pilot).values_list("tickets", flat=True)) == [
        100,
        101,
        102,
        103,
        104,
    ]
    replaced = KpiEntry.objects.get(pilot=pilot, day=START)
    assert [h.history_change_reason for h in replaced.history.order_by("history_date")][-1] == "CSV"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Saved from the file. New days: 4; replaced days: 1."]


def test_utf8_with_bom_semicolons_decimal_commas_and_dutch_dates_are_read(vendor_a_client, pilot):
    lines = [
        ";".join((*REQUIRED_COLUMNS, "qa_sampled", "note")),
        "2026-03-01;100;40;36;35,5;9,25;74;310,50;3;Rustige dag – géén storingen",
        "02-03-2026;90;30;27;40;10;60;280;2;",
    ]
    raw = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    assert upload(vendor_a_client, pilot, raw).status_code == 302
    first, second = KpiEntry.objects.filter(pilot=pilot).order_by("day")
    assert str(first.frt_minutes) == "35.50" and str(first.cost) == "310.50"
    assert first.note == "Rustige dag – géén storingen"
    assert second.day == date(2026, 3, 2)


def test_columns_in_any_order_and_case_and_without_the_optional_ones(vendor_a_client, pilot):
    header = ["Cost", "DATE", "tickets", "csat_responses", "csat_positive", "frt_minutes",
              "aht_minutes", "fcr_resolved"]  # fmt: skip
    raw = ("\n".join([",".join(header), "300,2026-03-03,100,40,36,35,9,74"]) + "\n").encode()
    assert upload(vendor_a_client, pilot, raw).status_code == 302
    entry = KpiEntry.objects.get(pilot=pilot)
    assert (entry.day, entry.cost, entry.qa_sampled) == (date(2026, 3, 3), 300, 0)


def test_one_bad_row_saves_nothing_and_every_bad_row_is_listed_with_its_line(
    vendor_a_client, pilot
):
    rows = [
        row(date(2026, 3, 1)),  # line 2: fine
        row(date(2026, 3, 2), csat_responses=10, csat_positive=11),  # line 3
        row(date(2026, 3, 3)),  # line 4: fine
        row(date(2026, 3, 4), tickets=50, fcr_resolved=60),  # line 5
    ]
    errors = upload_errors(upload(vendor_a_client, pilot, csv_bytes(rows)))
    assert errors == [
        (3, "csat_positive", "Cannot exceed the number of CSAT responses."),
        (5, "fcr_resolved", "Cannot exceed the number of tickets."),
    ]
    assert not KpiEntry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"day": TODAY + timedelta(days=1)}, "date", "future"),
        ({"day": START - timedelta(days=1)}, "date", "outside the pilot"),
        ({"tickets": -1}, "tickets", "Must not be negative."),
        ({"csat_responses": -1}, "csat_responses", "Must not be negative."),
        ({"csat_positive": -1}, "csat_positive", "Must not be negative."),
        ({"frt_minutes": "-1"}, "frt_minutes", "Must not be negative."),
        ({"aht_minutes": "-1"}, "aht_minutes", "Must not be negative."),
        ({"fcr_resolved": -1}, "fcr_resolved", "Must not be negative."),
        ({"cost": "-1"}, "cost", "Must not be negative."),
        ({"qa_sampled": -1}, "qa_sampled", "Must not be negative."),
        ({"csat_responses": 5, "csat_positive": 6}, "csat_positive", "CSAT responses"),
        ({"tickets": 5, "fcr_resolved": 6, "qa_sampled": 0}, "fcr_resolved", "number of tickets"),
        ({"tickets": 5, "fcr_resolved": 5, "qa_sampled": 6}, "qa_sampled", "number of tickets"),
        ({"tickets": 100_001}, "tickets", "not plausible"),
        ({"csat_responses": 100_001}, "csat_responses", "not plausible"),
        ({"frt_minutes": "10080.5"}, "frt_minutes", "not plausible"),
        ({"aht_minutes": "1440.5"}, "aht_minutes", "not plausible"),
        ({"cost": "100000.01"}, "cost", "not plausible"),
        ({"tickets": ""}, "tickets", "required"),
        ({"tickets": "1.5"}, "tickets", "whole number"),
        ({"cost": "1.234,56"}, "cost", "write 1,234.56"),  # a `;` file's number in a `,` file
        ({"cost": "lots"}, "cost", "Enter a number"),
        ({"cost": "12.345"}, "cost", "2 decimal places"),
        ({"day": "31-02-2026"}, "date", "YYYY-MM-DD"),
    ],
)
def test_every_rule_is_applied_to_every_row(vendor_a_client, pilot, overrides, field, fragment):
    day = overrides.pop("day", date(2026, 3, 2))
    cells = row(date(2026, 3, 2), **overrides)
    cells[0] = day if isinstance(day, str) else day.isoformat()
    raw = csv_bytes([row(date(2026, 3, 1)), cells])
    errors = upload_errors(upload(vendor_a_client, pilot, raw))
    assert len(errors) == 1, errors
    line, name, message = errors[0]
    assert (line, name) == (3, field)
    assert fragment in message
    assert not KpiEntry.objects.exists()


def test_the_same_date_twice_in_a_file_is_refused(vendor_a_client, pilot):
    raw = csv_bytes([row(date(2026, 3, 1)), row(date(2026, 3, 2)), row(date(2026, 3, 1))])
    assert upload_errors(upload(vendor_a_client, pilot, raw)) == [
        (4, "date", "This date is already on line 2.")
    ]


def test_a_quoted_note_over_several_lines_keeps_the_line_numbers_right(vendor_a_client, pilot):
    raw = csv_bytes(
        [row(date(2026, 3, 1), note="line one\nline two"), row(date(2026, 3, 2), tickets=-5)]
    )
    assert upload_errors(upload(vendor_a_client, pilot, raw)) == [
        (4, "tickets", "Must not be negative.")
    ]


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"", "empty"),
        (b"   \r\n\r\n", "empty"),
        (",".join(COLUMNS).encode() + b"\r\n", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a CSV text file"),
        ("date,tickets\n2026-03-01,5\n".encode("utf-16"), "not UTF-8"),
        ("date;tickets\n2026-03-01;5\n".encode("latin-1") + b"\xe9\xff", "not UTF-8"),
        (b"name,email\nBea,bea@example.com\n", "does not match the template"),
        (",".join([*COLUMNS, "colour"]).encode() + b"\n", "unknown: colour"),
        (",".join([*COLUMNS, "cost"]).encode() + b"\n", "appear twice"),
        (b"\x00\x01\x02binary", "not a CSV text file"),
    ],
)
def test_garbage_gets_a_clear_file_error_never_a_500(vendor_a_client, pilot, raw, fragment):
    errors = upload_errors(upload(vendor_a_client, pilot, raw))
    assert len(errors) == 1
    line, field, message = errors[0]
    assert (line, field) == (None, "file")
    assert fragment in message
    assert not KpiEntry.objects.exists()


def test_a_row_with_too_few_values_is_named(vendor_a_client, pilot):
    raw = csv_bytes([row(date(2026, 3, 1))[:5]])
    assert upload_errors(upload(vendor_a_client, pilot, raw)) == [
        # date, 7 core fields, the QA sample, 8 extra fields, the note
        (2, "file", "Expected 18 values, found 5.")
    ]


def test_a_file_over_1_mb_is_refused(vendor_a_client, pilot):
    raw = csv_bytes([row(date(2026, 3, 1), note="x" * (1024 * 1024))])
    errors = upload_errors(upload(vendor_a_client, pilot, raw))
    assert errors[0][2].startswith("The file is larger than 1 MB")


def test_more_than_400_rows_are_refused(pilot):
    raw = csv_bytes([row(date(2026, 3, 1))] * (MAX_ROWS + 1))
    parsed = parse_kpi_csv(raw=raw, period=pilot, today=TODAY)
    assert [(e.line, e.field) for e in parsed.errors] == [(None, "file")]
    assert "more than 400 rows" in parsed.errors[0].message
    assert parsed.rows == []


def test_no_file_at_all_is_a_form_error(vendor_a_client, pilot):
    response = vendor_a_client.post(reverse("pilots:kpi_csv_upload", args=[pilot.pk]), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_export_round_trips_and_escapes_formulas(vendor_a_client, pilot, vendor_a_user):
    KpiEntry.objects.create(
        pilot=pilot, day=START, entered_by=vendor_a_user,
        **{**good_values(), "note": "=HYPERLINK(\"http://evil\")"},
    )  # fmt: skip
    response = vendor_a_client.get(reverse("pilots:kpi_csv_export", args=[pilot.pk]))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == list(COLUMNS)
    assert lines[1][:3] == ["2026-03-01", "100", "40"]
    assert lines[1][-1].startswith("'=")
    KpiEntry.objects.all().delete()
    assert upload(vendor_a_client, pilot, response.content).status_code == 302
    assert str(KpiEntry.objects.get(pilot=pilot).frt_minutes) == "35.50"


def test_a_dutch_export_uses_semicolons_and_decimal_commas_and_uploads_again(
    vendor_a_client, vendor_a_user, pilot
):
    vendor_a_user.language = "nl"
    vendor_a_user.save()
    KpiEntry.objects.create(pilot=pilot, day=START, entered_by=vendor_a_user, **good_values())

    response = vendor_a_client.get(reverse("pilots:kpi_csv_export", args=[pilot.pk]))

    text = response.content.decode("utf-8-sig")
    assert not text.startswith("\ufeff")  # one byte-order mark, not two
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == list(COLUMNS)
    assert lines[1][4] == "35,50"  # frt_minutes with a decimal comma
    KpiEntry.objects.all().delete()
    assert upload(vendor_a_client, pilot, response.content).status_code == 302
    assert str(KpiEntry.objects.get(pilot=pilot).frt_minutes) == "35.50"
    template = vendor_a_client.get(reverse("pilots:kpi_csv_template", args=[pilot.pk]))
    assert "35,5" in template.content.decode("utf-8-sig").splitlines()[1].split(";")


def test_the_upload_page_speaks_dutch_to_a_dutch_user(vendor_a_client, vendor_a_user, pilot):
    vendor_a_user.language = "nl"
    vendor_a_user.save()
    html = vendor_a_client.get(reverse("pilots:kpi_csv_upload", args=[pilot.pk])).content.decode()
    # Help texts are escaped like any text (issue 21): the apostrophe is written &#x27;.
    assert "gescheiden door komma's of puntkomma's" in unescape(html)
    raw = csv_bytes([row(date(2026, 3, 1), tickets=-1)])
    errors = upload_errors(upload(vendor_a_client, pilot, raw))
    assert errors == [(2, "tickets", "Mag niet negatief zijn.")]


def test_spreadsheet_formulas_in_an_upload_are_refused_or_kept_as_plain_text(
    vendor_a_client, pilot
):
    # Issue 7: `=CMD()` in a number is a field error and nothing is saved ...
    raw = csv_bytes([row(date(2026, 3, 1)), row(date(2026, 3, 2), tickets="=CMD()")])
    errors = upload_errors(upload(vendor_a_client, pilot, raw))
    assert [(line, field) for line, field, _ in errors] == [(3, "tickets")]
    assert not KpiEntry.objects.exists()
    # ... and in the free-text note it is stored as the text it is, never evaluated.
    raw = csv_bytes([row(date(2026, 3, 1), note='=HYPERLINK("http://x","y")')])
    upload(vendor_a_client, pilot, raw)
    assert KpiEntry.objects.get(pilot=pilot).note == '=HYPERLINK("http://x","y")'


def test_a_100_kb_header_repeating_one_name_is_refused_naming_the_column_cap(pilot):
    """Issue 21: `date,date,…` 20,000 times in 100 kB was checked with a count per name
    (quadratic, 7 s). The header is refused by its width, naming the cap, before any
    per-name check; every check is linear in the file's size."""
    raw = (",".join(["date"] * 20_000) + "\n").encode()
    assert len(raw) == 100_000
    parsed = parse_kpi_csv(raw=raw, period=pilot, today=TODAY)
    assert [(e.line, e.field) for e in parsed.errors] == [(None, "file")]
    assert parsed.errors[0].message == (
        "The header row has 20000 columns; at most 50 are read. Download the template for "
        "the columns expected."
    )
    assert MAX_COLUMNS == 50
    assert parsed.rows == []


def test_a_header_within_the_cap_that_repeats_a_name_says_which(pilot):
    header = [*COLUMNS, "tickets", "cost"]
    parsed = parse_kpi_csv(raw=csv_bytes([], header=header), period=pilot, today=TODAY)
    assert [e.message for e in parsed.errors] == ["Columns appear twice: cost, tickets."]


def test_more_rows_than_the_cap_are_refused_naming_the_cap(pilot):
    rows = [row(START) for _ in range(MAX_ROWS + 1)]
    parsed = parse_kpi_csv(raw=csv_bytes(rows), period=pilot, today=TODAY)
    assert [e.message for e in parsed.errors] == [
        f"The file has more than {MAX_ROWS} rows. Upload at most {MAX_ROWS} at a time."
    ]


# --- docs/domain.md §8: one number convention per file, by its delimiter ---------------------------

# (delimiter, typed cost, stored cost) — None: refused on line 2, column "cost".
CONVENTION_CHECKS = [
    (",", "1,500", "1500.00"),  # English: comma groups thousands (quoted in the file)
    (",", "6,5", None),
    (";", "2.500", "2500.00"),  # Dutch: point groups thousands
    (";", "6,5", "6.50"),
    (";", "1.200,75", "1200.75"),
    (",", "1,200.75", "1200.75"),
    (",", "12,34", None),
    (";", "6.5", None),  # a point decimal in a semicolon file
    (",", "1.200,75", None),  # a Dutch number in a comma file
]


@pytest.mark.parametrize(("delimiter", "typed", "stored"), CONVENTION_CHECKS)
def test_a_file_reads_numbers_in_the_convention_of_its_delimiter(
    vendor_a_client, pilot, delimiter, typed, stored
):
    cells = row(date(2026, 3, 2), cost=typed, frt_minutes="35", aht_minutes="9")
    response = upload(vendor_a_client, pilot, csv_bytes([cells], delimiter=delimiter))
    if stored is None:
        ((line, column, message),) = upload_errors(response)
        assert (line, column) == (2, "cost")
        assert "could mean two things" in message
        assert "semicolons writes decimals with a comma" in message
        assert not KpiEntry.objects.exists()
    else:
        assert response.status_code == 302
        assert str(KpiEntry.objects.get(pilot=pilot).cost) == stored


def test_counts_are_grouped_in_the_file_convention_too(pilot):
    dutch = csv_bytes([row(date(2026, 3, 2), tickets="1.500", fcr_resolved="1.000", cost="310,5",
                           frt_minutes="35", aht_minutes="9")], delimiter=";")  # fmt: skip
    parsed = parse_kpi_csv(raw=dutch, period=pilot, today=TODAY)
    assert parsed.errors == []
    ((_line, _day, values),) = parsed.rows
    assert (values["tickets"], values["fcr_resolved"]) == (1500, 1000)


# --- issue 24 item 5: an upload that would replace days asks first ------------------------------


def test_an_upload_that_changes_entered_days_shows_them_and_saves_nothing_before_confirming(
    vendor_a_client, pilot
):
    url = reverse("pilots:kpi_csv_upload", args=[pilot.pk])
    day1, day2 = START, START + timedelta(days=1)
    assert upload(vendor_a_client, pilot, csv_bytes([row(day1), row(day2)])).status_code == 302
    # The same day 2 again (no change), day 1 with 90 tickets instead of 100, a new day 3.
    raw = csv_bytes([row(day1, tickets=90), row(day2), row(START + timedelta(days=2))])

    asked = upload(vendor_a_client, pilot, raw)

    assert asked.status_code == 200
    (change,) = asked.context["changes"]  # day 2 holds the same values: not listed
    assert change.day == day1
    assert change.fields == [("Tickets", 100, 90)]
    html = asked.content.decode()
    assert 'id="csv-confirm"' in html and 'data-day="2026-03-01"' in html
    assert KpiEntry.objects.filter(pilot=pilot).count() == 2  # nothing saved yet
    assert KpiEntry.objects.get(pilot=pilot, day=day1).tickets == 100

    confirmed = vendor_a_client.post(url, {"confirm": asked.context["confirm_token"]})

    assert confirmed.status_code == 302
    assert KpiEntry.objects.get(pilot=pilot, day=day1).tickets == 90
    assert KpiEntry.objects.filter(pilot=pilot).count() == 3
    # The stash is used once: confirming again says it expired, and changes nothing.
    again = vendor_a_client.post(url, {"confirm": asked.context["confirm_token"]})
    assert upload_errors(again) == [
        (None, "file", "This upload has expired. Upload the file again.")
    ]


def test_a_made_up_confirmation_saves_nothing(vendor_a_client, pilot):
    url = reverse("pilots:kpi_csv_upload", args=[pilot.pk])
    response = vendor_a_client.post(url, {"confirm": "0" * 32})
    assert upload_errors(response)[0][2] == "This upload has expired. Upload the file again."
    assert not KpiEntry.objects.exists()


def test_another_vendor_cannot_confirm_an_upload(vendor_a_client, vendor_b_client, pilot):
    url = reverse("pilots:kpi_csv_upload", args=[pilot.pk])
    upload(vendor_a_client, pilot, csv_bytes([row(START)]))
    asked = upload(vendor_a_client, pilot, csv_bytes([row(START, tickets=90)]))
    response = vendor_b_client.post(url, {"confirm": asked.context["confirm_token"]})
    assert response.status_code == 404
    assert KpiEntry.objects.get(pilot=pilot, day=START).tickets == 100
