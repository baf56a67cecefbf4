"""`{% form_field %}`: the calculator's light field rendering keeps what crispy rendered."""

from django import forms
from django.template import Context, Template


class SampleForm(forms.Form):
    name = forms.CharField(label="Name <b>", help_text="Say it")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    months = forms.TypedChoiceField(choices=[(12, "12"), (24, "24")], coerce=int)


def render(form) -> str:
    return Template(
        "{% load form_fields %}{% for f in form %}{% form_field f %}{% endfor %}"
    ).render(Context({"form": form}))


def test_a_valid_form_shows_labels_values_and_help():
    html = render(SampleForm({"name": '"x"<', "kind": "b", "months": "24"}))
    assert '<label for="id_name" class="form-label">Name &lt;b&gt;<span class="asteriskField">*</span></label>' in html  # fmt: skip
    assert 'value="&quot;x&quot;&lt;"' in html and 'class="form-control"' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert '<div id="id_name_helptext" class="form-text">Say it</div>' in html
    assert 'value="b" id="id_kind_1" checked>' in html and 'value="a" id="id_kind_0">' in html
    assert '<option value="24" selected>24</option>' in html
    assert "is-invalid" not in html


def test_an_invalid_field_is_marked_and_says_why():
    html = render(SampleForm({"name": "", "kind": "z", "months": "12"}))
    assert 'class="form-control is-invalid"' in html and 'aria-invalid="true"' in html
    assert '<div id="id_name_error" class="invalid-feedback d-block">This field is required.</div>' in html  # fmt: skip
    assert 'class="form-check-input is-invalid"' in html
