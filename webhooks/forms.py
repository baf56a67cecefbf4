from django import forms
from django.utils.translation import gettext_lazy as _

from common.events import EVENT_TYPES

from .presentation import EVENT_LABELS


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the events are posted: an http:// or https:// address."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(e, EVENT_LABELS[e]) for e in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose one or more of the events.")},
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
