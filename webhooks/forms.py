from django import forms
from django.utils.translation import gettext_lazy as _

from common.events import EVENT_TYPES

from .presentation import EVENT_LABELS
from .services import endpoint_url_error


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

    def clean_url(self) -> str:
        # The service checks again; here so that every error shows at once.
        url = self.cleaned_data["url"]
        reason = endpoint_url_error(url)
        if reason:
            raise forms.ValidationError(reason)
        return url
