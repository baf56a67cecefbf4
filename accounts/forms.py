from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("What the token is for, e.g. “ticket system export”."),
    )


class EmailPreferencesForm(forms.Form):
    """One checkbox per optional topic (accounts/preferences.py)."""

    def __init__(self, *args, user, **kwargs):
        from .preferences import TOPICS  # noqa: PLC0415 - the one table of optional e-mails

        super().__init__(*args, **kwargs)
        self.topics = TOPICS
        for topic in TOPICS:
            self.fields[topic.field] = forms.BooleanField(
                label=topic.label,
                help_text=topic.help,
                required=False,
                initial=getattr(user, topic.field),
            )
