"""Forms of the evaluation: the managers' decision and the exit evaluation. They check and
convert only; the services in `pilots.evaluation.decisions` decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pilots.models import Decision

RATINGS = [(n, str(n)) for n in range(1, 6)]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
    )
    knowledge_transfer_rating = forms.TypedChoiceField(
        label=_("Knowledge transfer (1 = poor, 5 = excellent)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
        help_text=_("How well did the vendor take over your product knowledge and scripts?"),
    )
    responsiveness_rating = forms.TypedChoiceField(
        label=_("Responsiveness (1 = poor, 5 = excellent)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
        help_text=_("How quickly did the vendor act on feedback and escalations?"),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Scale up: the phases and their volumes. Stop: what each missed KPI needs "
            "(training, process change)."
        ),
    )


EXIT_CHOICES = [
    (Decision.SCALE_UP, _("Continue: scale up in phases")),
    (Decision.STOP, _("Stop: end the contract and take the service back")),
]


class ExitEvaluationForm(forms.Form):
    evaluation = forms.ChoiceField(
        label=_("Exit evaluation"), choices=EXIT_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The measurable targets met or missed, and the exit or next steps."),
    )
