"""The error summary at the top of every form: every error at once, each linking to its field."""

from django import forms
from django.template import Context, Template
from django.utils import translation


class DayForm(forms.Form):
    tickets = forms.IntegerField(label="Tickets", min_value=0)
    cost = forms.DecimalField(label="Cost")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The day lies outside the pilot.")


class PhoneForm(forms.Form):
    volume = forms.IntegerField(label="Volume")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="phone", **kwargs)
        self.error_summary_prefix = "Phone"


def render(source, **context):
    return Template(source).render(Context(context))


def summary(form, extra=None):
    return render(
        '{% include "includes/form_errors.html" with form=form extra_forms=extra %}',
        form=form,
        extra=extra,
    )


def test_it_lists_every_error_with_a_link_to_its_field():
    form = DayForm({"tickets": "-1", "cost": "abc"})

    html = summary(form, [PhoneForm({"phone-volume": "x"})])

    assert "Correct these 5 errors to save:" in html
    assert "<li>The day lies outside the pilot.</li>" in html
    assert '<a class="alert-link" href="#id_tickets">Tickets</a>: Ensure this value' in html
    assert '<a class="alert-link" href="#id_cost">Cost</a>: Enter a number.' in html
    assert '<a class="alert-link" href="#id_phone-volume">Phone — Volume</a>' in html
    # A hidden field has nothing to link to, but its error is still listed.
    assert "Token: This field is required." in html
    assert 'role="alert"' in html


def test_a_valid_or_unbound_form_shows_no_summary():
    assert "vp-error-summary" not in summary(DayForm())
    assert "vp-error-summary" not in summary(PhoneForm({"phone-volume": "3"}))


def test_crispy_forms_show_the_summary_and_keep_their_inline_errors():
    html = render("{% load crispy_forms_tags %}{{ form|crispy }}", form=PhoneForm({"volume": ""}))

    assert "Correct 1 error to save:" in html
    assert html.count("This field is required.") == 2  # in the summary and under the field


def test_the_summary_speaks_dutch():
    with translation.override("nl"):
        html = summary(PhoneForm({"volume": ""}))

    assert "Verbeter deze fout om op te slaan:" in html
