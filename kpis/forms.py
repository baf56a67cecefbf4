"""The KPI forms every measured period shows (a pilot, a contract): the day's entry page
(`KpiDayForm` with its layout and help) and the CSV upload. Forms check and convert only."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format, number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.strict import StrictDecimalField

from .csv_import import MAX_ROWS
from .days import (
    MAX_AHT_MINUTES,
    MAX_FRT_MINUTES,
    MAX_NOTE_LENGTH,
    MAX_TICKETS_PER_DAY,
    KpiDayForm,
    KpiPeriod,
)
from .definitions import EXTRA_DAILY_FIELDS, EXTRA_KEYS, KPIS
from .targets import extra_target_range, tracked_kpis_clean


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def decimal_field(label: str, help_text: str = "", required: bool = True) -> forms.DecimalField:
    # localize: a Dutch user types 35,5.
    return StrictDecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def grouped(value: int | Decimal) -> str:
    return number_format(value, use_l10n=True, force_grouping=True)


def extra_target_fields() -> dict[str, forms.Field]:
    """The KPI library (docs/domain.md §5) in a pilot's or a contract's form: one optional
    target field `extra_<key>` per extra KPI of the KPI table (empty: not tracked), checked
    against the target's range like the other fields. Declare them in the form's class body
    with `vars().update(extra_target_fields())`; `TrackedKpisForm` reads them."""
    fields: dict[str, forms.Field] = {}
    for definition in KPIS:
        if definition.core:
            continue
        field = decimal_field(
            format_lazy(
                "{label} ({unit}) {direction}",
                label=definition.label,
                unit=definition.unit or _("points"),
                direction=definition.direction,
            ),
            _("Optional: a target tracks this KPI; empty: not tracked."),
            required=False,
        )
        low, high = extra_target_range(definition.key)
        field.validators += [MinValueValidator(low), MaxValueValidator(high)]
        fields[f"extra_{definition.key}"] = field
    return fields


def must_meet_field(help_text: str) -> forms.MultipleChoiceField:
    """The must-meet choice: any KPI of the table (the service accepts only tracked ones)."""
    return forms.MultipleChoiceField(
        label=_("Must-meet KPIs"),
        choices=[(k.key, k.label) for k in KPIS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class TrackedKpisForm(forms.Form):
    """A form with `extra_target_fields()` and a `must_meet` field: the tracked extras and
    must-meets as the services take them, and a must-meet KPI that is not tracked refused on
    the field, with the form's other errors."""

    def extra_targets(self) -> dict[str, Decimal]:
        """The tracked extra KPIs: those given a target."""
        return {
            key: self.cleaned_data[f"extra_{key}"]
            for key in EXTRA_KEYS
            if self.cleaned_data.get(f"extra_{key}") is not None
        }

    def must_meet_keys(self) -> list[str]:
        return list(self.cleaned_data.get("must_meet") or [])

    def clean(self):
        data = super().clean()
        if "must_meet" not in self.errors:
            # An extra whose target is refused already says so on its own field.
            must_meet = [k for k in self.must_meet_keys() if f"extra_{k}" not in self.errors]
            try:
                tracked_kpis_clean(extra_targets=self.extra_targets(), must_meet=must_meet)
            except ValidationError as exc:
                for message in exc.message_dict.get("must_meet", []):
                    self.add_error("must_meet", message)
        return data


class KpiEntryForm(KpiDayForm):
    """The KPI entry page: `KpiDayForm` (every rule of a valid day) with its layout and the
    period's dates and caps in the help texts. Saving a day that has an entry edits it."""

    def __init__(self, *args, period: KpiPeriod, **kwargs):
        super().__init__(*args, period=period, **kwargs)
        correcting = self.may_correct_final and period.final_until is not None
        if not correcting:
            del self.fields["reason"]  # asked only of procurement once days are final
        end = period.end_date
        self.fields["day"].widget = DateInput(
            attrs={"min": period.start_date.isoformat(), "max": end.isoformat()}
        )
        self.fields["day"].help_text = _(
            "A day of the pilot (%(start)s – %(end)s), today or earlier."
        ) % {
            "start": date_format(period.start_date, "DATE_FORMAT"),
            "end": date_format(end, "DATE_FORMAT"),
        }
        final_until = period.final_until
        if final_until is not None:
            self.fields["day"].help_text = _(
                "%(help)s Days up to %(final)s are final: the decision was based on them."
            ) % {
                "help": self.fields["day"].help_text,
                "final": date_format(final_until, "DATE_FORMAT"),
            }
        self.fields["frt_minutes"].help_text = _(
            "Average over the day's tickets; at most %(max)s minutes."
        ) % {"max": grouped(MAX_FRT_MINUTES)}
        self.fields["aht_minutes"].help_text = _(
            "Average over the day's tickets; at most %(max)s minutes."
        ) % {"max": grouped(MAX_AHT_MINUTES)}
        self.fields["tickets"].help_text = _("Tickets handled on the day; at most %(max)s.") % {
            "max": grouped(MAX_TICKETS_PER_DAY)
        }
        self.fields["note"].widget.attrs["maxlength"] = MAX_NOTE_LENGTH
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("day", css_class="col-md-6")),
            Row(
                Column("tickets", css_class="col-md-4"),
                Column("csat_responses", css_class="col-md-4"),
                Column("csat_positive", css_class="col-md-4"),
            ),
            Row(
                Column("frt_minutes", css_class="col-md-4"),
                Column("aht_minutes", css_class="col-md-4"),
                Column("fcr_resolved", css_class="col-md-4"),
            ),
            Row(Column("cost", css_class="col-md-4"), Column("qa_sampled", css_class="col-md-8")),
            # The extra KPIs' daily fields (optional), from the KPI table.
            Row(*(Column(name, css_class="col-md-4") for name in EXTRA_DAILY_FIELDS)),
            "note",
            *(["reason"] if correcting else []),
        )


class KpiCsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        allow_empty_file=True,  # the parser says "The file is empty." in its own words
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request: a lazy string formatted at import would be English only.
        self.fields["file"].help_text = _(
            "UTF-8, separated by commas or semicolons, at most 1 MB and %(rows)s rows."
        ) % {"rows": MAX_ROWS}
