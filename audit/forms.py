from django import forms
from django.utils.translation import gettext_lazy as _

from common.dates import SaneDateField

from .registry import OBJECT_TYPES, VENDOR_VISIBLE
from .selectors import AuditFilters


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(label=_("Object"), required=False)
    object_id = forms.IntegerField(label=_("Object number"), required=False, min_value=1)
    person = forms.EmailField(label=_("Person (e-mail address)"), required=False)
    date_from = SaneDateField(label=_("From"), required=False)
    date_to = SaneDateField(label=_("Until"), required=False)

    def __init__(self, *args, vendor_view: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        types = [t for t in OBJECT_TYPES if not vendor_view or t.key in VENDOR_VISIBLE]
        self.fields["object_type"].choices = [("", _("— all —"))] + [
            (t.key, t.label) for t in types
        ]
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for name, field in self.fields.items():
            css = "form-select" if name == "object_type" else "form-control"
            field.widget.attrs["class"] = (
                f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm"
            )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return AuditFilters(
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id"),
            person=data.get("person") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
